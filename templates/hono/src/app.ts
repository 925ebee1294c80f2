/**
 * The HTTP app (Hono), on web standards only, so the same app runs on Node (src/server.ts) and on
 * Cloudflare Workers (src/index.ts with --deploy workers). Order matters and is the security design:
 *   health probes (any Host, no token) → Scalekit OAuth (src/mcp-oauth: CORS, Host guard, discovery documents,
 *   Origin guard, bearer gate, rejection logs) → MCP handler.
 * `create-mcp-oauth add` wires the same module into existing servers the same way: `app.use(mcpOAuth(…))`
 * before the MCP route, and the verified token handed to the MCP handler with `authInfoOf(c)`.
 */
import { Hono } from 'hono';
import { ALWAYS_READY, HEALTH_PATHS, healthAnswer, type Readiness } from './health.js';
import { createMcpEndpoint } from './mcp/server.js';
import type { McpDependencies } from './mcp/dependencies.js';
import type { TokenCacheOptions } from './mcp-oauth/auth/token-cache.js';
import type { ServerConfig } from './mcp-oauth/config.js';
import { authInfoOf, mcpOAuth } from './mcp-oauth/hono.js';
import { jsonLogger, type Logger } from './mcp-oauth/log.js';

export interface AppOptions {
  log?: Logger;
  /** How verified tokens are remembered (see mcp-oauth/auth/token-cache.ts); `false` verifies every request. */
  tokenCache?: TokenCacheOptions | false;
  /** What `/readyz` reports: src/index.ts passes the process's shutdown state. Default: always ready. */
  readiness?: Readiness;
  /** Lists show only what the caller's token may use; default: FILTER_LISTS_BY_SCOPE in mcp-oauth/tool-scopes.ts. */
  filterLists?: boolean;
  /** Where tools, resources and prompts keep their state; default: this process's memory (mcp/dependencies.ts). */
  toolDependencies?: McpDependencies;
}

export function createApp(config: ServerConfig, options: AppOptions = {}): Hono {
  const log = options.log ?? jsonLogger;
  const app = new Hono();

  for (const path of HEALTH_PATHS) {
    app.get(path, (c) => {
      const { status, body } = healthAnswer(path, options.readiness ?? ALWAYS_READY);
      c.header('cache-control', 'no-store');
      return c.json(body, status);
    });
  }

  // Scalekit OAuth: the discovery documents, and the token check in front of the MCP endpoint.
  app.use(mcpOAuth({ mcpPath: config.mcpPath, config, log, tokenCache: options.tokenCache }));

  const mcp = createMcpEndpoint(log, options.toolDependencies, { filterLists: options.filterLists });
  app.all(config.mcpPath, (c) => mcp.fetch(c.req.raw, { authInfo: authInfoOf(c) }));

  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  // Last resort: log the error, answer without a stack trace.
  app.onError((error, c) => {
    log('error', 'unhandled_error', { message: error.message });
    return c.json({ error: 'server_error' }, 500);
  });
  return app;
}
