/**
 * The HTTP app (Express). Order matters and is the security design:
 *   health probes (any Host) → rejection log → CORS (answers preflights first) → Host guard → discovery
 *   documents (public) → Origin guard → bearer gate → MCP handler.
 */
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import cors from 'cors';
import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response as ExpressResponse,
} from 'express';
import type { RequestListener } from 'node:http';
import { buildAppParts, type AppOverrides, type AppParts } from './app-deps.js';
import type { GateRejection } from './auth/bearer-gate.js';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import { rejectionLogFields } from './auth/rejections.js';
import type { ServerConfig } from './config.js';
import { HEALTH_PATHS, healthAnswer } from './health.js';
import { MAX_REQUEST_BODY_BYTES } from './limits.js';

export function createApp(config: ServerConfig, overrides: AppOverrides = {}): Express {
  const parts = buildAppParts(config, overrides);
  const app = express();
  app.disable('x-powered-by');

  for (const path of HEALTH_PATHS) {
    app.get(path, (_req, res) => {
      const { status, body } = healthAnswer(path, parts.readiness);
      res.status(status).set('cache-control', 'no-store').json(body);
    });
  }
  app.use(logRejections(parts));
  app.use(
    cors({
      origin: '*',
      methods: CORS_ALLOWED_METHODS,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: CORS_MAX_AGE_SECONDS,
    }),
  );
  app.use(hostHeaderValidation(config.allowedHosts));

  app.get(parts.protectedResource.paths, (_req, res) => {
    res.json(parts.protectedResource.document);
  });
  app.get('/.well-known/oauth-authorization-server', async (_req, res) => {
    const { status, body } = await parts.authorizationServerMetadata();
    res.status(status).json(body);
  });

  app.all(config.mcpPath, originValidation(config.allowedOrigins), bearerAuth(parts), mcpRoute(parts));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(errorHandler(parts));
  return app;
}

/** The app as a plain Node request listener (for `http.createServer`). */
export function createRequestListener(config: ServerConfig, overrides: AppOverrides = {}): RequestListener {
  return createApp(config, overrides);
}

function logRejections(parts: AppParts): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const fields = rejectionLogFields(
        {
          status: res.statusCode,
          method: req.method,
          path: req.path,
          host: req.headers.host,
          wwwAuthenticate: res.getHeader('www-authenticate')?.toString(),
          gateRejection: res.locals.gateRejection as GateRejection | undefined,
          clientId: req.auth?.clientId,
        },
        parts.config.allowedHosts,
      );
      if (fields) parts.log('warn', 'request_rejected', fields);
    });
    next();
  };
}

function bearerAuth(parts: AppParts): RequestHandler {
  return async (req, res, next) => {
    // Every Authorization header the client sent: Node keeps only the first in `req.headers`.
    const result = await parts.checkBearer(req.headersDistinct.authorization?.join(', '));
    if (!result.ok) {
      res.locals.gateRejection = result.rejection;
      return sendWebResponse(res, result.response);
    }
    req.auth = result.authInfo;
    next();
  };
}

function mcpRoute(parts: AppParts): RequestHandler {
  const handle = toNodeHandler(parts.mcp, {
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    onerror: (error) => parts.log('error', 'mcp_error', { message: error.message }),
  });
  return (req, res) => {
    void handle(req, res);
  };
}

async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.send(Buffer.from(await response.arrayBuffer()));
}

/** Last resort: log the error, answer without a stack trace. */
function errorHandler(parts: AppParts): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    parts.log('error', 'unhandled_error', { message: error instanceof Error ? error.message : String(error) });
    if (!res.headersSent) res.status(500).json({ error: 'server_error' });
  };
}
