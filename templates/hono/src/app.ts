/**
 * The HTTP app (Hono), on web standards only, so the same app runs on Node (src/server.ts) and on
 * Cloudflare Workers (src/index.ts with --deploy workers). Order matters and is the security design:
 *   health probes (any Host) → rejection log → CORS (answers preflights first) → Host guard → discovery
 *   documents (public) → Origin guard → bearer gate → MCP handler.
 */
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/hono';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { buildAppParts, type AppOverrides } from './app-deps.js';
import type { GateRejection } from './auth/bearer-gate.js';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import { rejectionLogFields } from './auth/rejections.js';
import type { ServerConfig } from './config.js';
import { HEALTH_PATHS, healthAnswer } from './health.js';

type AppEnv = { Variables: { gateRejection?: GateRejection; authInfo?: AuthInfo } };

export function createApp(config: ServerConfig, overrides: AppOverrides = {}): Hono<AppEnv> {
  const parts = buildAppParts(config, overrides);
  const app = new Hono<AppEnv>();

  for (const path of HEALTH_PATHS) {
    app.get(path, (c) => {
      const { status, body } = healthAnswer(path, parts.readiness);
      c.header('cache-control', 'no-store');
      return c.json(body, status);
    });
  }
  app.use(async (c, next) => {
    await next();
    const fields = rejectionLogFields(
      {
        status: c.res.status,
        method: c.req.method,
        path: c.req.path,
        host: c.req.header('host'),
        wwwAuthenticate: c.res.headers.get('www-authenticate'),
        gateRejection: c.get('gateRejection'),
        clientId: c.get('authInfo')?.clientId,
      },
      config.allowedHosts,
    );
    if (fields) parts.log('warn', 'request_rejected', fields);
  });
  app.use(
    cors({
      origin: '*',
      allowMethods: CORS_ALLOWED_METHODS,
      allowHeaders: CORS_ALLOWED_HEADERS,
      exposeHeaders: CORS_EXPOSED_HEADERS,
      maxAge: CORS_MAX_AGE_SECONDS,
    }),
  );
  app.use(hostHeaderValidation(config.allowedHosts));

  for (const path of parts.protectedResource.paths) {
    app.get(path, (c) => c.json(parts.protectedResource.document));
  }
  app.get('/.well-known/oauth-authorization-server', async (c) => {
    const { status, body } = await parts.authorizationServerMetadata();
    return c.json(body, status as 200 | 502);
  });

  app.use(config.mcpPath, originValidation(config.allowedOrigins));
  app.all(config.mcpPath, async (c) => {
    // `Headers.get` joins repeated Authorization headers with ", ", which the gate refuses.
    const result = await parts.checkBearer(c.req.header('authorization'));
    if (!result.ok) {
      c.set('gateRejection', result.rejection);
      return result.response;
    }
    c.set('authInfo', result.authInfo);
    return parts.mcp.fetch(c.req.raw, { authInfo: result.authInfo });
  });

  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  // Last resort: log the error, answer without a stack trace.
  app.onError((error, c) => {
    parts.log('error', 'unhandled_error', { message: error.message });
    return c.json({ error: 'server_error' }, 500);
  });
  return app;
}
