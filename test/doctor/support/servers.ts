/**
 * Loopback test doubles for doctor's integration tests (127.0.0.1 only):
 *  - a Scalekit-shaped authorization server: metadata under `/resources/<res_id>` (both the Scalekit and the RFC 8414
 *    locations), JWKS at `/keys`, a client-credentials token endpoint, RS256 tokens with `scope` and `scopes`;
 *  - an MCP resource server that behaves like a correctly generated server (every rule doctor checks), where each
 *    option turns one behaviour into the defect users actually ship.
 * Every request each server receives is recorded, so tests can assert where credentials went.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RunningServer {
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => unknown;

export async function startServer(handler: Handler): Promise<RunningServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body });
      Promise.resolve(handler(req, res, body)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server that accepts connections and never answers. */
export function startHangingServer(): Promise<RunningServer> {
  return startServer(() => new Promise<void>(() => {}));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------------------------
// Authorization server (Scalekit-shaped)

export interface AuthorizationServerOptions {
  resourceId?: string;
  /** Overrides the `issuer` in the metadata (the issuer-mismatch defect). */
  issuer?: (resourceIssuer: string) => string;
  /** JWKS answers 503 (the "JWKS down" defect). */
  jwksDown?: boolean;
  dcr?: boolean;
  cimd?: boolean;
  /** Overrides token_endpoint (to point it at another origin). */
  tokenEndpoint?: string;
  scopesSupported?: string[];
  /** Scopes given to machine tokens from the client-credentials grant. */
  machineScopes?: string[];
  /** The machine client may request only these scopes: any other requested scope gets 400 invalid_scope. */
  machineAllowedScopes?: string[];
  /** Also serve metadata at the RFC 8414 path-inserted location (default true; some Scalekit environments do not). */
  rfc8414?: boolean;
  /** Defect: every URL answers 200 with an HTML page (a web app's URL given as the authorization server). */
  htmlEverywhere?: boolean;
}

export interface TokenSpec {
  scopes?: string[];
  /** Put scopes only in `scope` (string), only in `scopes` (array), or both (Scalekit's current shape). */
  scopeClaims?: 'both' | 'string' | 'array';
  aud?: string | string[];
  iss?: string;
  /** Seconds since the epoch. */
  exp?: number;
  kid?: string;
}

export interface FakeAuthorizationServer extends RunningServer {
  environmentUrl: string;
  resourceId: string;
  /** `<env>/resources/<res_id>`: what PRM `authorization_servers[0]` must say. */
  resourceIssuer: string;
  jwksUri: string;
  client: { id: string; secret: string };
  signToken(spec?: TokenSpec): Promise<string>;
}

export async function startAuthorizationServer(
  options: AuthorizationServerOptions = {},
): Promise<FakeAuthorizationServer> {
  const resourceId = options.resourceId ?? 'res_12345';
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = 'key-2026-01';
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const client = { id: 'm2m_client_1', secret: 'sk-test-secret-0123456789abcdef' };
  let environmentUrl = '';

  const signToken = async (spec: TokenSpec = {}): Promise<string> => {
    const scopes = spec.scopes ?? ['todo:read', 'todo:write'];
    const claims: Record<string, unknown> = { client_id: client.id, sid: 'ses_1', oid: 'org_1' };
    if (spec.scopeClaims !== 'array') claims.scope = scopes.join(' ');
    if (spec.scopeClaims !== 'string') claims.scopes = scopes;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: spec.kid ?? kid, typ: 'JWT' })
      .setIssuer(spec.iss ?? `${environmentUrl}/resources/${resourceId}`)
      .setAudience(spec.aud ?? [resourceId])
      .setSubject('usr_42')
      .setIssuedAt()
      .setJti(`jti_${Math.random().toString(36).slice(2)}`);
    jwt.setExpirationTime(spec.exp ?? Math.floor(Date.now() / 1000) + 3600);
    return jwt.sign(privateKey);
  };

  const metadata = () => {
    const resourceIssuer = `${environmentUrl}/resources/${resourceId}`;
    return {
      issuer: options.issuer ? options.issuer(resourceIssuer) : resourceIssuer,
      authorization_endpoint: `${resourceIssuer}/oauth/authorize`,
      token_endpoint: options.tokenEndpoint ?? `${resourceIssuer}/oauth/token`,
      ...(options.dcr === false
        ? {}
        : { registration_endpoint: `${environmentUrl}/api/v1/resources/${resourceId}/clients:register` }),
      jwks_uri: `${environmentUrl}/keys`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: options.scopesSupported ?? ['todo:read', 'todo:write'],
      ...(options.cimd === false ? {} : { client_id_metadata_document_supported: true }),
    };
  };

  const server = await startServer(async (req, res, body) => {
    if (options.htmlEverywhere) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign in</title>');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rfc8414Path =
      options.rfc8414 === false ? undefined : `/.well-known/oauth-authorization-server/resources/${resourceId}`;
    if (
      req.method === 'GET' &&
      (path === `/resources/${resourceId}/.well-known/oauth-authorization-server` || path === rfc8414Path)
    ) {
      return sendJson(res, 200, metadata(), { 'access-control-allow-origin': '*' });
    }
    if (req.method === 'GET' && path === '/keys') {
      if (options.jwksDown) return sendJson(res, 503, { error: 'unavailable' });
      return sendJson(res, 200, { keys: [publicJwk] });
    }
    if (req.method === 'POST' && path === `/resources/${resourceId}/oauth/token`) {
      const form = new URLSearchParams(body);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [id, secret] = basic
        ? Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')];
      if (id !== client.id || secret !== client.secret)
        return sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
      if (form.get('grant_type') !== 'client_credentials')
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
      const resource = form.get('resource');
      const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (options.machineAllowedScopes && requested.some((scope) => !options.machineAllowedScopes!.includes(scope))) {
        return sendJson(res, 400, { error: 'invalid_scope', error_description: 'scope not allowed for this client' });
      }
      const token = await signToken({
        scopes: options.machineScopes ?? ['todo:read'],
        aud: resource ? [resourceId, resource] : [resourceId],
      });
      return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }
    sendJson(res, 404, { error: 'not_found' });
  });
  environmentUrl = server.origin;
  return {
    ...server,
    environmentUrl,
    resourceId,
    resourceIssuer: `${environmentUrl}/resources/${resourceId}`,
    jwksUri: `${environmentUrl}/keys`,
    client,
    signToken,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// MCP resource server

export interface McpServerOptions {
  as: FakeAuthorizationServer;
  /** Which scopes each tool needs. */
  toolScopes?: Record<string, string[]>;
  /** Defect: 401 without WWW-Authenticate. */
  omitChallengeHeader?: boolean;
  /** Where PRM is served (default both: path-suffixed and root). */
  prmAt?: { suffixed: boolean; root: boolean };
  /** Where the 401 challenge's resource_metadata points ('suffixed' by default; 'none' leaves it out). */
  challengeMetadata?: 'suffixed' | 'root' | 'none';
  /** Defect: requests to this path are redirected to /mcp with this status (a trailing slash, a renamed route). */
  redirectToMcp?: { from: string; status: 301 | 302 | 307 | 308 };
  /** Defect: the path-suffixed PRM URL gives this answer instead (a single-page app's catch-all, an error page). */
  suffixedPrmAnswer?: { status: number; contentType: string; body: string };
  /** Overrides PRM `resource` (default: the MCP URL). */
  prmResource?: (mcpUrl: string) => string;
  /** Overrides PRM `authorization_servers`. */
  authorizationServers?: string[];
  /** Defect: the parameters of the challenge to a request without a token, instead of scope="<scopes>". */
  noTokenChallengeParams?: Record<string, string>;
  /**
   * JSON-RPC methods served without a token (any token ignored), every other request authenticated. ['initialize'] is
   * the design of the MCP conformance suite's step-up server: hosts start OAuth at the first 401 after connecting.
   */
  publicMethods?: string[];
  /** Defect: CORS responses without Access-Control-Expose-Headers. */
  omitExposeHeaders?: boolean;
  /** Defect: no Origin validation. */
  skipOriginCheck?: boolean;
  /** Defect: 401 instead of 403 for a token lacking a tool's scope. */
  insufficientScopeStatus?: 401 | 403;
  /** Answer POSTs as JSON or as an SSE stream that stays open after the response (like a long-lived stream). */
  responseMode?: 'json' | 'sse';
  /** Browser origins allowed besides the server's own (default: MCP Inspector's). */
  allowedOrigins?: string[];
  /** Defect: redirect every authenticated request to this URL (307). */
  redirectAuthenticatedTo?: string;
  /** Audience the server accepts besides the resource id (default: the MCP URL). */
  extraAudience?: string;
  /**
   * Defect: the metadata mirror serves a stale copy (these fields replace the upstream ones; undefined removes one).
   */
  mirrorPatch?: Record<string, unknown>;
}

export interface FakeMcpServer extends RunningServer {
  url: string;
}

const ALLOWED_HEADERS =
  'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name';
const EXPOSED_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version';
const SUPPORTED_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25'];

export async function startMcpServer(options: McpServerOptions): Promise<FakeMcpServer> {
  const { as } = options;
  const toolScopes = options.toolScopes ?? { list_todos: ['todo:read'], add_todo: ['todo:write'] };
  const scopesSupported = [...new Set(Object.values(toolScopes).flat())];
  const prmAt = options.prmAt ?? { suffixed: true, root: true };
  const allowedOrigins = options.allowedOrigins ?? ['http://localhost:6274'];
  const jwks = createRemoteJWKSet(new URL(as.jwksUri));
  const sessions = new Set<string>();
  let origin = '';
  let mcpUrl = '';

  const prmUrl = (kind: 'suffixed' | 'root') =>
    `${origin}/.well-known/oauth-protected-resource${kind === 'suffixed' ? '/mcp' : ''}`;
  const prm = () => ({
    resource: options.prmResource ? options.prmResource(mcpUrl) : mcpUrl,
    authorization_servers: options.authorizationServers ?? [as.resourceIssuer],
    bearer_methods_supported: ['header'],
    scopes_supported: scopesSupported,
    resource_documentation: `${origin}/docs`,
  });
  const challenge = (extra: Record<string, string>) => {
    const metadata = options.challengeMetadata ?? 'suffixed';
    const params = metadata === 'none' ? extra : { ...extra, resource_metadata: prmUrl(metadata) };
    return `Bearer ${Object.entries(params)
      .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '\\$&')}"`)
      .join(', ')}`;
  };

  const server = await startServer(async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.redirectToMcp?.from === path) {
      res.writeHead(options.redirectToMcp.status, { location: '/mcp' }).end();
      return;
    }

    // PRM: unauthenticated, CORS *, OPTIONS answered.
    const prmLocations: Record<string, 'root' | 'suffixed'> = {
      '/.well-known/oauth-protected-resource': 'root',
      '/.well-known/oauth-protected-resource/mcp': 'suffixed',
    };
    const prmLocation = prmLocations[path];
    if (prmLocation) {
      if (prmLocation === 'suffixed' && options.suffixedPrmAnswer) {
        const { status, contentType, body: page } = options.suffixedPrmAnswer;
        res.writeHead(status, { 'content-type': contentType }).end(page);
        return;
      }
      if (!prmAt[prmLocation]) return sendJson(res, 404, { error: 'not_found' });
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, OPTIONS',
        'access-control-allow-headers': '*',
      };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors);
        return res.end();
      }
      return sendJson(res, 200, prm(), cors);
    }
    // The optional mirror of the authorization server metadata.
    if (path === '/.well-known/oauth-authorization-server' && req.method === 'GET') {
      const upstream = await fetch(`${as.resourceIssuer}/.well-known/oauth-authorization-server`).catch(
        () => undefined,
      );
      if (!upstream?.ok) return sendJson(res, 502, { error: 'upstream_unavailable' });
      const mirrored = { ...((await upstream.json()) as Record<string, unknown>), ...options.mirrorPatch };
      return sendJson(res, 200, mirrored, { 'access-control-allow-origin': '*' });
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not_found' });

    // DNS rebinding: a present, untrusted Origin is refused before anything else.
    const requestOrigin = req.headers.origin;
    const originAllowed =
      requestOrigin === undefined || requestOrigin === origin || allowedOrigins.includes(requestOrigin);
    if (!originAllowed && !options.skipOriginCheck) return sendJson(res, 403, { error: 'forbidden_origin' });

    // CORS on every response of the endpoint, 401/403 included.
    const cors: Record<string, string> = {};
    if (requestOrigin !== undefined) {
      cors['access-control-allow-origin'] = requestOrigin;
      cors.vary = 'Origin';
      if (!options.omitExposeHeaders) cors['access-control-expose-headers'] = EXPOSED_HEADERS;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      return res.end();
    }

    // Every request is authenticated (header only, audience checked), but those of publicMethods.
    const isPublic =
      req.method === 'POST' &&
      (options.publicMethods ?? []).includes(String((JSON.parse(body) as { method?: unknown }).method));
    const match = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match && !isPublic) {
      const headers: Record<string, string> = { ...cors };
      if (!options.omitChallengeHeader)
        headers['www-authenticate'] = challenge(options.noTokenChallengeParams ?? { scope: scopesSupported.join(' ') });
      return sendJson(res, 401, { error: 'unauthorized' }, headers);
    }
    let granted: string[] = [];
    if (match && !isPublic) {
      try {
        const { payload } = await jwtVerify(match[1]!, jwks, {
          issuer: [as.environmentUrl, as.resourceIssuer],
          audience: [as.resourceId, options.extraAudience ?? mcpUrl],
          algorithms: ['RS256'],
        });
        granted = [
          ...new Set([
            ...(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
            ...(Array.isArray(payload.scopes) ? (payload.scopes as string[]) : []),
          ]),
        ];
      } catch (error) {
        const description = error instanceof Error ? error.message : 'invalid token';
        return sendJson(
          res,
          401,
          { error: 'invalid_token' },
          { ...cors, 'www-authenticate': challenge({ error: 'invalid_token', error_description: description }) },
        );
      }
    }

    if (options.redirectAuthenticatedTo) {
      res.writeHead(307, { ...cors, location: options.redirectAuthenticatedTo });
      return res.end();
    }
    if (req.method === 'GET')
      return sendJson(res, 405, { error: 'no standalone stream' }, { ...cors, allow: 'POST, DELETE' });
    if (req.method === 'DELETE') {
      sessions.delete(String(req.headers['mcp-session-id']));
      res.writeHead(204, cors);
      return res.end();
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' }, cors);

    const message = JSON.parse(body) as { id?: number; method: string; params?: Record<string, unknown> };
    const sessionId = req.headers['mcp-session-id'];
    if (message.method !== 'initialize' && (typeof sessionId !== 'string' || !sessions.has(sessionId))) {
      return sendJson(
        res,
        400,
        { jsonrpc: '2.0', id: message.id ?? null, error: { code: -32000, message: 'Bad Request: no valid session' } },
        cors,
      );
    }
    if (message.id === undefined) {
      res.writeHead(202, cors);
      return res.end();
    }
    const reply = (result: unknown, headers: Record<string, string> = {}) => {
      const payload = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
      if (options.responseMode === 'sse') {
        // Stays open after the response, as a server that streams notifications would.
        res.writeHead(200, { ...cors, ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(`event: message\nid: 1\ndata: ${payload}\n\n`);
        return;
      }
      res.writeHead(200, { ...cors, ...headers, 'content-type': 'application/json' });
      res.end(payload);
    };

    switch (message.method) {
      case 'initialize': {
        const id = `sess-${Math.random().toString(36).slice(2)}`;
        sessions.add(id);
        const requested = String(message.params?.protocolVersion ?? '');
        return reply(
          {
            protocolVersion: SUPPORTED_VERSIONS.includes(requested) ? requested : '2025-06-18',
            capabilities: { tools: {} },
            serverInfo: { name: 'todo-mcp', version: '1.0.0' },
          },
          { 'mcp-session-id': id },
        );
      }
      case 'tools/list':
        return reply({
          tools: Object.keys(toolScopes).map((name) => ({
            name,
            description: name,
            inputSchema: {
              type: 'object',
              properties: { title: { type: 'string' } },
              required: name === 'add_todo' ? ['title'] : [],
            },
          })),
        });
      case 'tools/call': {
        const name = String(message.params?.name);
        const needed = toolScopes[name];
        if (!needed) return reply({ content: [{ type: 'text', text: `unknown tool ${name}` }], isError: true });
        const missing = needed.filter((scope) => !granted.includes(scope));
        if (missing.length > 0) {
          const status = options.insufficientScopeStatus ?? 403;
          const error = status === 403 ? 'insufficient_scope' : 'invalid_token';
          return sendJson(
            res,
            status,
            { error },
            {
              ...cors,
              'www-authenticate': challenge({
                error,
                scope: needed.join(' '),
                error_description: `${name} needs ${needed.join(' ')}`,
              }),
            },
          );
        }
        const args = (message.params?.arguments ?? {}) as Record<string, unknown>;
        if (name === 'add_todo' && typeof args.title !== 'string')
          return reply({ content: [{ type: 'text', text: 'title is required' }], isError: true });
        return reply({ content: [{ type: 'text', text: '[]' }] });
      }
      default:
        return sendJson(
          res,
          200,
          { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } },
          cors,
        );
    }
  });
  origin = server.origin;
  mcpUrl = `${origin}/mcp`;
  return { ...server, url: mcpUrl };
}
