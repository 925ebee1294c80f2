/**
 * Scalekit OAuth for an Express app: one middleware, registered before the MCP route, that answers the
 * OAuth discovery documents and guards the MCP endpoint. Other paths pass through untouched.
 *
 *   app.use(mcpOAuth({ mcpPath: '/mcp' }));
 *
 * On the MCP endpoint a request gets CORS headers (browser clients must be able to read the challenge),
 * then either the challenge or, with a valid token, `req.auth` for the MCP transport to pass to tools.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import cors from 'cors';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response as ExpressResponse,
} from 'express';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import { createMcpOAuth, type McpOAuthOptions } from './index.js';

/** The MCP transports' own default limit for a request body. */
const MAX_BODY = '4mb';

export function mcpOAuth(options: McpOAuthOptions): RequestHandler {
  const oauth = createMcpOAuth(options);
  const allowCors = cors({
    origin: '*',
    methods: CORS_ALLOWED_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  const parseJson = express.json({ limit: MAX_BODY });

  async function guard(req: Request, res: ExpressResponse, next: NextFunction): Promise<void> {
    if (oauth.route(req.path) === 'discovery') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const { status, body } = await oauth.discovery(req.path);
      res.status(status).json(body);
      return;
    }
    const result = await oauth.authorize({
      method: req.method,
      path: req.path,
      authorization: req.headers.authorization,
      origin: req.headers.origin,
      body: () => parsedBody(req, res),
    });
    if (!result.ok) return sendWebResponse(res, result.response);
    (req as Request & { auth?: AuthInfo }).auth = result.authInfo;
    next();
  }

  /** The JSON body, parsed here when no body parser ran before this middleware (it is kept on `req.body`). */
  function parsedBody(req: Request, res: ExpressResponse): Promise<unknown> {
    if (req.body !== undefined) return Promise.resolve(req.body);
    return new Promise((resolve) => {
      // A body that is not JSON has no tool calls to check: the MCP handler answers it.
      parseJson(req, res, (error?: unknown) => resolve(error ? undefined : req.body));
    });
  }

  return (req, res, next) => {
    if (oauth.route(req.path) === undefined) return next();
    allowCors(req, res, (corsError?: unknown) => {
      if (corsError) return next(corsError);
      // Express 4 does not catch rejected promises: hand errors to the app's error handler ourselves.
      guard(req, res, next).catch(next);
    });
  };
}

async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.send(Buffer.from(await response.arrayBuffer()));
}
