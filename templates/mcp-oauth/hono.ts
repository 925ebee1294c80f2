/**
 * Scalekit OAuth for a Hono app: one middleware, registered before the MCP route, that answers the OAuth
 * discovery documents and guards the MCP endpoint (see index.ts). Other paths pass through untouched.
 *
 *   app.use(mcpOAuth({ mcpPath: '/mcp' }));
 *   app.all('/mcp', (c) => mcp.fetch(c.req.raw, { authInfo: authInfoOf(c) }));
 *
 * The MCP layer learns who is calling only through the verified token: pass `authInfoOf(c)` to a web-standard
 * handler or transport; `@hono/mcp`'s `transport.handleRequest(c)` reads it from the context (`c.get('auth')`).
 * No Node-only API here (node.ts is used only when neither `config` nor `env` is given), so this runs on Workers:
 * there the variables come with each request, so pass where to read them, `mcpOAuth({ mcpPath, env: (c) => c.env })`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from './auth/cors.js';
import type { Rejection } from './auth/rejections.js';
import { ConfigError, loadConfig, type Environment } from './config.js';
import { createMcpOAuth, type McpOAuth, type McpOAuthOptions } from './index.js';
import { processEnvironment } from './node.js';
import type { AuthInfo } from './sdk.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified token (the name `@hono/mcp` reads). */
    auth: AuthInfo;
  }
}

export interface HonoMcpOAuthOptions extends Omit<McpOAuthOptions, 'env'> {
  /**
   * Environment variables, or where to read them on the first request: on Cloudflare Workers they come with the
   * request (`env: (c) => c.env`). Default: `process.env`, after reading `.env` when there is one.
   */
  env?: Environment | ((c: Context) => Environment);
}

export function mcpOAuth(options: HonoMcpOAuthOptions): MiddlewareHandler {
  const { env, ...rest } = options;
  const create = (variables: Environment | undefined) =>
    createMcpOAuth({ ...rest, config: rest.config ?? loadConfig(variables ?? processEnvironment()) });
  const variablesOf = typeof env === 'function' ? env : () => env;
  // Variables read per request are validated on the first one, and the guard is then built once per isolate;
  // otherwise now, so a misconfigured Node server fails at start-up.
  let built: McpOAuth | undefined = typeof env === 'function' ? undefined : create(env);
  const allowCors = cors({
    origin: '*',
    allowMethods: CORS_ALLOWED_METHODS,
    allowHeaders: CORS_ALLOWED_HEADERS,
    exposeHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });

  return async (c, next) => {
    if (built === undefined) {
      try {
        built = create(variablesOf(c));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return misconfigured(error);
      }
    }
    const oauth = built;
    if (oauth.route(c.req.path) === undefined) return next();
    let rejection: Rejection | undefined;
    const preflight = await allowCors(c, async () => {
      const outcome = await oauth.handle({
        method: c.req.method,
        path: c.req.path,
        host: c.req.header('host'),
        origin: c.req.header('origin'),
        // `Headers.get` joins repeated Authorization headers with ", ", which the bearer gate refuses.
        authorization: c.req.header('authorization'),
        body: () => readBodyKeepingIt(c),
      });
      if (!outcome.ok) {
        rejection = outcome.rejection;
        c.res = outcome.response;
        return;
      }
      if (outcome.authInfo) c.set('auth', outcome.authInfo);
      await next();
    });
    const answer = preflight ?? c.res;
    oauth.logAnswer({
      status: answer.status,
      method: c.req.method,
      path: c.req.path,
      wwwAuthenticate: answer.headers.get('www-authenticate'),
      rejection,
      clientId: c.get('auth')?.clientId,
    });
    return preflight;
  };
}

/**
 * Every request that reaches the guard, protected path or not, while the variables are invalid (each problem is
 * logged, naming the variable to fix): nothing can be guarded without them, so nothing past the guard is served.
 * Not cached, so the next request tries again.
 */
function misconfigured(error: ConfigError): Response {
  console.error(`${error.message}\n\nSet them as the Worker's vars or secrets (.dev.vars locally).`);
  return Response.json(
    {
      error: 'server_misconfigured',
      error_description: 'The server is not configured yet: see its logs (wrangler tail).',
    },
    { status: 503 },
  );
}

/** The verified token of this request, for the MCP layer: `mcp.fetch(c.req.raw, { authInfo: authInfoOf(c) })`. */
export function authInfoOf(c: Context): AuthInfo | undefined {
  return c.get('auth');
}

/**
 * The JSON body, read so that the MCP handler can still read it: Hono keeps what `c.req` read, so
 * `c.req.json()` downstream (`@hono/mcp`) gets the same body, and `c.req.raw` is replaced by an unread copy
 * for handlers that take the web-standard request.
 */
async function readBodyKeepingIt(c: Context): Promise<unknown> {
  const bytes = await c.req.arrayBuffer();
  const { url, method, headers, signal } = c.req.raw;
  c.req.raw = new Request(url, { method, headers, signal, body: bytes });
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    // Not JSON: no tool calls to check; the MCP handler answers it.
    return undefined;
  }
}
