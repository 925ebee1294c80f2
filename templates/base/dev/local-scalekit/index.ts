// startLocalScalekit(): the HTTP face of the local test authorization server.
// It answers on Scalekit's URLs and forwards the OAuth endpoints to oidc-provider
// (mounted under /resources/<res>, which is also its issuer).
//
//   GET  /keys                                                JWKS (served from the key ring)
//   GET  /resources/<res>/.well-known/oauth-authorization-server
//   GET  /.well-known/oauth-authorization-server/resources/<res>   (RFC 8414 form, same document)
//   GET  /resources/<res>/.well-known/openid-configuration    404, as on Scalekit
//   GET  /resources/<res>/oauth/authorize                     oidc-provider
//   POST /resources/<res>/oauth/token                         oidc-provider
//   POST /api/v1/resources/<res>/clients:register             oidc-provider (only while DCR is on)
//   GET|POST /resources/<res>/oauth/login/<uid>               login + consent page (login.ts)

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AllClientMetadata, ClientMetadata } from 'oidc-provider';
import { KeyRing, randomTokenId, signPayload, type SignTokenOptions } from './keys.js';
import { handleLogin } from './login.js';
import {
  buildProvider,
  createMemoryAdapter,
  newClientId,
  userIdFor,
  type IssuerForm,
  type Provider,
  type RuntimeState,
} from './provider.js';

export { completeLoginHeadlessly, type HeadlessLoginOptions } from './headless.js';
export { userIdFor, type IssuerForm } from './provider.js';
export type { SignTokenOptions } from './keys.js';
export type { AllClientMetadata, ClientMetadata } from 'oidc-provider';

export interface LocalScalekitOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Always 127.0.0.1; anything else is refused. */
  host?: '127.0.0.1';
  /** Scalekit resource id, e.g. `res_123456789`. */
  resourceId: string;
  /** The MCP endpoint URL (Scalekit's "Server URL"), e.g. `http://localhost:3000/mcp`. */
  serverUrl: string;
  /** The MCP server's scopes, e.g. `['docs:read', 'docs:write']`; `offline_access` is added. */
  scopes: string[];
  /** `iss` of issued tokens: `<base>/resources/<res>` ('resource', default) or `<base>` ('environment'). */
  issuerForm?: IssuerForm;
  /** Dynamic client registration (default on). */
  dcr?: boolean;
  /** Client ID Metadata Documents (default on). */
  cimd?: boolean;
  /**
   * Pre-registered clients (for when DCR is off, or machine clients for client credentials).
   * client_id / client_secret are generated when missing; read them back with registerClient().
   */
  clients?: AllClientMetadata[];
  /** Access token lifetime (default 3600). */
  accessTokenTtlSeconds?: number;
  /** The `oid` claim of every token (default `org_local_dev`). */
  organizationId?: string;
  /** Skip the start-up notice. */
  quiet?: boolean;
}

export interface LocalScalekitStats {
  jwksFetches: number;
  metadataFetches: number;
  registrations: number;
  authorizationRequests: number;
  tokenRequests: number;
  /** Client ID Metadata Documents fetched from loopback URLs. */
  cimdFetches: number;
}

export interface LocalScalekit {
  /** `http://127.0.0.1:<port>`: use it as SCALEKIT_ENVIRONMENT_URL. */
  readonly url: string;
  /** `<url>/resources/<res>`: the metadata issuer; put it in the PRM's authorization_servers. */
  readonly issuer: string;
  readonly resourceId: string;
  readonly serverUrl: string;
  readonly port: number;
  /** `<issuer>/.well-known/oauth-authorization-server`. */
  readonly metadataUrl: string;
  /** `<url>/keys`. */
  readonly jwksUrl: string;
  /** Environment variables that point an MCP server at this server. */
  env(): Record<string, string>;
  setDcr(enabled: boolean): void;
  setCimd(enabled: boolean): void;
  setIssuerForm(form: IssuerForm): void;
  /** The `iss` the next token will carry. */
  tokenIssuer(): string;
  /** New RS256 signing key; the previous one stays in the JWKS unless `keepPrevious: false`. */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<{ kid: string }>;
  currentKid(): string;
  /** Registers a client at runtime; generates client_id/client_secret when missing. */
  registerClient(metadata: AllClientMetadata): Promise<ClientMetadata>;
  /**
   * Mints a JWT signed like the real tokens. Starts from a realistic user token for
   * this resource (all scopes); `claims` override it and a claim set to `undefined`
   * is removed. `{ defaults: false }` signs exactly `claims`.
   */
  signToken(claims?: Record<string, unknown>, options?: SignTokenOptions & { defaults?: boolean }): Promise<string>;
  userIdFor(user: string): string;
  stats(): LocalScalekitStats;
  resetStats(): void;
  close(): Promise<void>;
}

const NOTICE = (url: string) => `
  ============================================================================
   LOCAL TEST AUTHORIZATION SERVER  -  not Scalekit, not for production
   ${url}
   Anyone on this machine can log in as anyone: there are no passwords.
   Use it only for local development and tests.
  ============================================================================
`;

type OidcModule = typeof import('oidc-provider');
let oidcModule: Promise<OidcModule> | undefined;

/**
 * Loads oidc-provider once. It warns "Unsupported runtime" on Node 20 (it targets
 * Node 22 LTS) although it works there; that one line is dropped, nothing else.
 */
function loadOidcProvider(): Promise<OidcModule> {
  oidcModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcModule;
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'access-control-allow-origin': '*',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

function cors(res: ServerResponse, methods = 'GET, OPTIONS'): void {
  res.writeHead(204, {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': methods,
    'access-control-allow-headers': '*',
    'access-control-max-age': '3600',
  });
  res.end();
}

export async function startLocalScalekit(options: LocalScalekitOptions): Promise<LocalScalekit> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'local-scalekit: refusing to start because NODE_ENV=production. This is a local test ' +
        'authorization server where anyone can log in as anyone; use Scalekit in production.',
    );
  }
  const host: string = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error(`local-scalekit: refusing to bind ${host}; it only ever listens on 127.0.0.1.`);
  }
  const { resourceId, serverUrl } = options;
  if (!/^[A-Za-z0-9_-]+$/.test(resourceId)) throw new Error(`local-scalekit: invalid resourceId ${resourceId}`);
  if (!URL.canParse(serverUrl)) throw new Error(`local-scalekit: serverUrl must be an absolute URL: ${serverUrl}`);
  const scopes = options.scopes.filter((scope) => scope !== 'offline_access');

  const oidc = await loadOidcProvider();
  const keys = await KeyRing.create();
  const adapter = createMemoryAdapter();
  const state: RuntimeState = {
    dcr: options.dcr ?? true,
    cimd: options.cimd ?? true,
    issuerForm: options.issuerForm ?? 'resource',
    cimdFetches: 0,
  };
  const counters = { jwksFetches: 0, metadataFetches: 0, registrations: 0, authorizationRequests: 0, tokenRequests: 0 };
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
  const organizationId = options.organizationId ?? 'org_local_dev';

  // Paths.
  const prefix = `/resources/${resourceId}`;
  const registrationPath = `/api/v1/resources/${resourceId}/clients:register`;
  const metadataPaths = new Set([
    `${prefix}/.well-known/oauth-authorization-server`,
    `/.well-known/oauth-authorization-server${prefix}`,
  ]);
  const providerPaths = /^\/oauth\/(authorize(\/[\w-]+)?|token)$/;
  const loginPath = `${prefix}/oauth/login`;
  const internalSecret = randomBytes(16).toString('hex');

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const issuer = `${base}${prefix}`;

  const settings = {
    environmentUrl: base,
    issuer,
    resourceId,
    serverUrl,
    scopes,
    accessTokenTtlSeconds,
    organizationId,
    loginPath,
    cookieKeys: [randomBytes(32).toString('base64url')],
    adapter,
    keys,
    state,
  };
  let provider: Provider = buildProvider(oidc, settings);
  let providerHandler = provider.callback();
  let providerDiscovery: Promise<Record<string, unknown>> | undefined;

  /** Hands a request to oidc-provider as if it were mounted at `prefix`. */
  function forward(req: IncomingMessage, res: ServerResponse, fullPath: string): void {
    Object.assign(req, { originalUrl: fullPath, url: fullPath.slice(prefix.length) });
    void providerHandler(req, res);
  }

  /** Scalekit-shaped metadata, derived from what oidc-provider actually serves. */
  async function metadata(): Promise<Record<string, unknown>> {
    providerDiscovery ??= fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: { 'x-local-scalekit-internal': internalSecret },
    })
      .then((r) => r.json() as Promise<Record<string, unknown>>)
      .catch((error: unknown) => {
        providerDiscovery = undefined;
        throw error;
      });
    const discovered = await providerDiscovery;
    const copy = (...names: string[]) =>
      Object.fromEntries(names.filter((n) => discovered[n] !== undefined).map((n) => [n, discovered[n]]));
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      ...(state.dcr ? { registration_endpoint: `${base}${registrationPath}` } : {}),
      jwks_uri: `${base}/keys`,
      scopes_supported: [...scopes, 'offline_access'],
      ...copy(
        'response_types_supported',
        'response_modes_supported',
        'grant_types_supported',
        'token_endpoint_auth_methods_supported',
        'code_challenge_methods_supported',
        'authorization_response_iss_parameter_supported',
      ),
      ...(state.cimd ? { client_id_metadata_document_supported: true } : {}),
    };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname;
    const fullPath = `${path}${url.search}`;
    const method = req.method ?? 'GET';

    if (path === '/' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${NOTICE(base)}\nAuthorization server metadata: ${issuer}/.well-known/oauth-authorization-server\n`);
      return;
    }
    if (path === '/keys') {
      if (method === 'OPTIONS') return cors(res);
      counters.jwksFetches += 1;
      return json(res, 200, keys.jwks());
    }
    if (metadataPaths.has(path)) {
      if (method === 'OPTIONS') return cors(res);
      counters.metadataFetches += 1;
      return json(res, 200, await metadata());
    }
    if (path === registrationPath) {
      if (!state.dcr) {
        return json(res, 404, { error: 'not_found', error_description: 'dynamic client registration is disabled' });
      }
      // oidc-provider has no CORS on registration; browser hosts (MCP Inspector) need it.
      if (method === 'OPTIONS') return cors(res, 'POST, OPTIONS');
      res.setHeader('access-control-allow-origin', '*');
      if (method === 'POST') counters.registrations += 1;
      return forward(req, res, `${prefix}/oauth/register${url.search}`);
    }
    if (path === `${prefix}/.well-known/openid-configuration`) {
      if (req.headers['x-local-scalekit-internal'] === internalSecret) return forward(req, res, fullPath);
      return json(res, 404, { error: 'not_found' });
    }
    if (path.startsWith(`${loginPath}/`) && (method === 'GET' || method === 'POST')) {
      return handleLogin(provider, { serverUrl, scopes }, req, res);
    }
    if (path.startsWith(`${prefix}/`) && providerPaths.test(path.slice(prefix.length))) {
      if (path === `${prefix}/oauth/authorize`) {
        counters.authorizationRequests += 1;
        // oidc-provider applies OpenID Connect's rule that `offline_access` needs
        // `prompt=consent`; many MCP hosts don't send it, so imply it here and
        // refresh tokens work for them too (the consent page is shown anyway).
        const scope = url.searchParams.get('scope')?.split(' ') ?? [];
        if (scope.includes('offline_access') && !url.searchParams.has('prompt')) {
          url.searchParams.set('prompt', 'consent');
          return forward(req, res, `${path}${url.search}`);
        }
      }
      if (path === `${prefix}/oauth/token` && method === 'POST') counters.tokenRequests += 1;
      return forward(req, res, fullPath);
    }
    return json(res, 404, { error: 'not_found' });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(error) });
      else res.end();
    });
  });

  async function registerClient(input: AllClientMetadata): Promise<ClientMetadata> {
    const metadata: ClientMetadata = { ...input, client_id: input.client_id ?? newClientId() };
    // A pure machine client (client credentials only) has no redirect and no response types.
    if (metadata.grant_types && !metadata.grant_types.includes('authorization_code')) {
      metadata.response_types ??= [];
      metadata.redirect_uris ??= [];
    }
    const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
    if (method !== 'none' && !metadata.client_secret) metadata.client_secret = randomBytes(24).toString('base64url');
    await provider.Client.validate(metadata);
    await adapter('Client').upsert(String(metadata.client_id), { ...metadata });
    return metadata;
  }

  try {
    for (const client of options.clients ?? []) await registerClient(client);
  } catch (error) {
    server.close();
    throw error;
  }

  const tokenIssuer = () => (state.issuerForm === 'resource' ? issuer : base);

  if (!options.quiet) console.warn(NOTICE(base));

  return {
    url: base,
    issuer,
    resourceId,
    serverUrl,
    port,
    metadataUrl: `${issuer}/.well-known/oauth-authorization-server`,
    jwksUrl: `${base}/keys`,
    env: () => ({ SCALEKIT_ENVIRONMENT_URL: base, SCALEKIT_RESOURCE_ID: resourceId }),
    setDcr: (enabled) => {
      state.dcr = enabled;
    },
    setCimd: (enabled) => {
      state.cimd = enabled;
    },
    setIssuerForm: (form) => {
      if (form !== 'resource' && form !== 'environment')
        throw new Error(`local-scalekit: unknown issuer form ${String(form)}`);
      state.issuerForm = form;
    },
    tokenIssuer,
    async rotateKeys({ keepPrevious = true } = {}) {
      const key = await keys.rotate({ keepPrevious });
      // oidc-provider fixes its keys at construction: build a fresh instance on the
      // same storage (clients, sessions, grants and refresh tokens carry over).
      provider = buildProvider(oidc, settings);
      providerHandler = provider.callback();
      providerDiscovery = undefined;
      return { kid: key.kid };
    },
    currentKid: () => keys.current.kid,
    registerClient,
    async signToken(claims = {}, { defaults = true, ...signOptions } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = defaults
        ? {
            iss: tokenIssuer(),
            aud: [resourceId, serverUrl],
            sub: userIdFor('demo@example.com'),
            client_id: 'skc_local_test_client',
            scope: scopes.join(' '),
            scopes: [...scopes],
            iat: now,
            nbf: now,
            exp: now + accessTokenTtlSeconds,
            jti: randomTokenId(),
            sid: 'ses_local_test_session',
            oid: organizationId,
            ...claims,
          }
        : { ...claims };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return signPayload(keys, payload, signOptions);
    },
    userIdFor,
    stats: () => ({ ...counters, cimdFetches: state.cimdFetches }),
    resetStats: () => {
      for (const name of Object.keys(counters) as (keyof typeof counters)[]) counters[name] = 0;
      state.cimdFetches = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
