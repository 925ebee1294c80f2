/**
 * Scalekit OAuth for a Hono app: one middleware, registered before the MCP route, that answers the
 * OAuth discovery documents and guards the MCP endpoint. Other paths pass through untouched.
 *
 *   app.use(mcpOAuth({ mcpPath: '/mcp' }));
 *   app.all('/mcp', (c) => transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) }));
 *
 * The MCP transport only learns who is calling through `authInfo`: pass it, or tools cannot see the token.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import { createMcpOAuth, type McpOAuthOptions } from './index.js';

declare module 'hono' {
  interface ContextVariableMap {
    mcpOAuthAuthInfo: AuthInfo;
  }
}

export function mcpOAuth(options: McpOAuthOptions): MiddlewareHandler {
  const oauth = createMcpOAuth(options);
  const allowCors = cors({
    origin: '*',
    allowMethods: CORS_ALLOWED_METHODS,
    allowHeaders: CORS_ALLOWED_HEADERS,
    exposeHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });

  return async (c, next) => {
    const route = oauth.route(c.req.path);
    if (route === undefined) return next();
    return allowCors(c, async () => {
      if (route === 'discovery') {
        if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
        const { status, body } = await oauth.discovery(c.req.path);
        c.res = Response.json(body, { status });
        return;
      }
      const result = await oauth.authorize({
        method: c.req.method,
        path: c.req.path,
        authorization: c.req.header('authorization'),
        origin: c.req.header('origin'),
        // A copy: the MCP handler still reads the original request body.
        body: () =>
          c.req.raw
            .clone()
            .json()
            .catch(() => undefined),
      });
      if (!result.ok) {
        c.res = result.response;
        return;
      }
      c.set('mcpOAuthAuthInfo', result.authInfo);
      await next();
    });
  };
}

/** The verified token of this request, for the MCP transport: `transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) })`. */
export function authInfoOf(c: Context): AuthInfo | undefined {
  return c.get('mcpOAuthAuthInfo');
}
