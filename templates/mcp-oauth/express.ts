/**
 * Scalekit OAuth for an Express app: one middleware, registered before the MCP route, that answers the OAuth
 * discovery documents and guards the MCP endpoint (see index.ts). Other paths pass through untouched.
 *
 *   app.use(mcpOAuth({ mcpPath: '/mcp' }));
 *
 * On its paths a request gets CORS headers first (browser clients must be able to read the challenge), then
 * the guard's answer or, with a valid token, `req.auth`: the MCP SDK's transports hand it to tools as `authInfo`.
 */
import cors from 'cors';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response as ExpressResponse,
} from 'express';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import type { Rejection } from './auth/rejections.js';
import { loadConfig } from './config.js';
import { createMcpOAuth, type McpOAuthOptions } from './index.js';
import { processEnvironment } from './node.js';
import type { AuthInfo } from './sdk.js';

/** The MCP transports' own limit for a request body, when the guard parses it (v1 SDK: tool scopes). */
const MAX_JSON_BODY = '4mb';

type AuthenticatedRequest = Request & { auth?: AuthInfo };

export function mcpOAuth(options: McpOAuthOptions): RequestHandler {
  const oauth = createMcpOAuth({
    ...options,
    config: options.config ?? loadConfig(options.env ?? processEnvironment()),
  });
  const allowCors = cors({
    origin: '*',
    methods: CORS_ALLOWED_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  const parseJson = express.json({ limit: MAX_JSON_BODY });

  async function guard(req: AuthenticatedRequest, res: ExpressResponse, next: NextFunction): Promise<void> {
    const outcome = await oauth.handle({
      method: req.method,
      path: fullPath(req),
      host: req.headers.host,
      origin: req.headers.origin,
      // Every Authorization header the client sent: Node keeps only the first in `req.headers`.
      authorization: req.headersDistinct['authorization']?.join(', '),
      body: () => parsedBody(req, res),
    });
    if (!outcome.ok) {
      res.locals['mcpOAuthRejection'] = outcome.rejection;
      return sendWebResponse(res, outcome.response);
    }
    if (outcome.authInfo) req.auth = outcome.authInfo;
    next();
  }

  /**
   * The JSON body, parsed by express.json() (here when no body parser ran before this middleware). It stays
   * on `req.body`, where the MCP handler reads it: `transport.handleRequest(req, res, req.body)`.
   */
  function parsedBody(req: Request, res: ExpressResponse): Promise<unknown> {
    if (req.body !== undefined) return Promise.resolve(req.body);
    return new Promise((resolve) => {
      // A body that is not JSON has no tool calls to check: the MCP handler answers it.
      parseJson(req, res, (error?: unknown) => resolve(error ? undefined : req.body));
    });
  }

  return (req: AuthenticatedRequest, res, next) => {
    const path = fullPath(req);
    if (oauth.route(path) === undefined) return next();
    res.on('finish', () => {
      oauth.logAnswer({
        status: res.statusCode,
        method: req.method,
        path,
        wwwAuthenticate: res.getHeader('www-authenticate')?.toString(),
        rejection: res.locals['mcpOAuthRejection'] as Rejection | undefined,
        clientId: req.auth?.clientId,
      });
    });
    allowCors(req, res, (corsError?: unknown) => {
      if (corsError) return next(corsError);
      // Express 4 does not catch rejected promises: hand errors to the app's error handler ourselves.
      guard(req, res, next).catch(next);
    });
  };
}

/** The path from the root of the app, wherever this middleware is mounted (a router sees only its part). */
function fullPath(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.path;
}

async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.send(Buffer.from(await response.arrayBuffer()));
}
