/**
 * The HTTP app (Express). Order matters and is the security design:
 *   health probes (any Host, no token) → Scalekit OAuth (src/mcp-oauth: CORS, Host guard, discovery documents, Origin guard,
 *   bearer gate, rejection logs) → MCP handler.
 * `create-mcp-oauth add` wires the same module into existing servers the same way: `app.use(mcpOAuth(…))`
 * before the MCP route.
 */
import { toNodeHandler } from '@modelcontextprotocol/node';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { RequestListener } from 'node:http';
import { createMcpEndpoint } from './mcp/server.js';
import type { TokenCacheOptions } from './mcp-oauth/auth/token-cache.js';
import { ALWAYS_READY, HEALTH_PATHS, healthAnswer, type Readiness } from './health.js';
import type { ServerConfig } from './mcp-oauth/config.js';
import { mcpOAuth } from './mcp-oauth/express.js';
import { MAX_REQUEST_BODY_BYTES } from './mcp-oauth/limits.js';
import { jsonLogger, type Logger } from './mcp-oauth/log.js';

export interface AppOptions {
  log?: Logger;
  /** How verified tokens are remembered (see mcp-oauth/auth/token-cache.ts); `false` verifies every request. */
  tokenCache?: TokenCacheOptions | false;
  /** What `/readyz` reports: src/index.ts passes the process's shutdown state. Default: always ready. */
  readiness?: Readiness;
  /** Lists show only what the caller's token may use; default: FILTER_LISTS_BY_SCOPE in mcp-oauth/tool-scopes.ts. */
  filterLists?: boolean;
}

export function createApp(config: ServerConfig, options: AppOptions = {}): Express {
  const log = options.log ?? jsonLogger;
  const app = express();
  app.disable('x-powered-by');

  for (const path of HEALTH_PATHS) {
    app.get(path, (_req, res) => {
      const { status, body } = healthAnswer(path, options.readiness ?? ALWAYS_READY);
      res.status(status).set('cache-control', 'no-store').json(body);
    });
  }

  // Scalekit OAuth: the discovery documents, and the token check in front of the MCP endpoint.
  app.use(mcpOAuth({ mcpPath: config.mcpPath, config, log, tokenCache: options.tokenCache }));

  const handleMcp = toNodeHandler(createMcpEndpoint(log, undefined, { filterLists: options.filterLists }), {
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    onerror: (error) => log('error', 'mcp_error', { message: error.message }),
  });
  app.all(config.mcpPath, (req, res) => {
    void handleMcp(req, res); // the verified token travels as req.auth
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  // Last resort: log the error, answer without a stack trace.
  app.use(((error: unknown, _req, res, _next) => {
    log('error', 'unhandled_error', { message: error instanceof Error ? error.message : String(error) });
    if (!res.headersSent) res.status(500).json({ error: 'server_error' });
  }) satisfies ErrorRequestHandler);
  return app;
}

/** The app as a plain Node request listener (for `http.createServer`). */
export function createRequestListener(config: ServerConfig, options: AppOptions = {}): RequestListener {
  return createApp(config, options);
}
