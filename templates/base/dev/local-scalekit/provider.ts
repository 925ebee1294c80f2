// The oidc-provider instance behind the local test authorization server, configured to
// behave like a Scalekit MCP resource: OAuth 2.1 authorization code + PKCE (S256 only),
// client credentials, RFC 8707 resource indicators with RS256 JWT access tokens,
// dynamic client registration and Client ID Metadata Documents.

import { createHash } from 'node:crypto';
import type {
  Adapter,
  AdapterPayload,
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  default as ProviderClass,
} from 'oidc-provider';
import { randomTokenId, type KeyRing } from './keys.js';

type OidcModule = typeof import('oidc-provider');
export type Provider = ProviderClass;
export type IssuerForm = 'resource' | 'environment';

/** Runtime switches; read on every request, so flipping them takes effect at once. */
export interface RuntimeState {
  dcr: boolean;
  cimd: boolean;
  issuerForm: IssuerForm;
  cimdFetches: number;
}

export interface ProviderSettings {
  /** `<base>` — what Scalekit calls the environment URL. */
  environmentUrl: string;
  /** `<base>/resources/<res>` — the issuer in the metadata. */
  issuer: string;
  resourceId: string;
  serverUrl: string;
  scopes: readonly string[];
  accessTokenTtlSeconds: number;
  organizationId: string;
  /** Path of the login/consent page, without the trailing `/<uid>`. */
  loginPath: string;
  cookieKeys: string[];
  adapter: MemoryAdapterFactory;
  keys: KeyRing;
  state: RuntimeState;
}

// ---------------------------------------------------------------------------
// Storage: a small in-memory adapter. One store per server, shared by every
// provider instance the server builds (rotateKeys builds a new one), so
// clients, sessions, grants and refresh tokens survive a key rotation.
// ---------------------------------------------------------------------------

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export type MemoryAdapterFactory = (model: string) => Adapter;

export function createMemoryAdapter(): MemoryAdapterFactory {
  const store = new Map<string, Entry>();
  let writes = 0;
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of store) if (entry.expiresAt <= now) store.delete(key);
  };
  const live = (key: string): Entry | undefined => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  };
  const findWhere = (model: string, test: (payload: AdapterPayload) => boolean) => {
    for (const [key, entry] of store) {
      if (key.startsWith(`${model}:`) && live(key) && test(entry.payload)) return entry.payload;
    }
    return undefined;
  };

  return (model) => ({
    async upsert(id, payload, expiresIn) {
      const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
      store.set(`${model}:${id}`, { payload, expiresAt });
      if (++writes % 100 === 0) sweep();
    },
    async find(id) {
      return live(`${model}:${id}`)?.payload;
    },
    async findByUid(uid) {
      return findWhere(model, (payload) => payload.uid === uid);
    },
    async findByUserCode(userCode) {
      return findWhere(model, (payload) => payload.userCode === userCode);
    },
    async consume(id) {
      const entry = live(`${model}:${id}`);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      for (const [key, entry] of store) {
        if (entry.payload.grantId === grantId) store.delete(key);
      }
    },
  });
}

// ---------------------------------------------------------------------------
// Identifiers shaped like Scalekit's (`usr_…`, `skc_…`, `ses_…`).
// ---------------------------------------------------------------------------

function digits(input: string, length = 18): string {
  const hex = createHash('sha256').update(input).digest('hex');
  return BigInt(`0x${hex}`).toString().slice(0, length);
}

/** Stable user id for a login name/email: the `sub` of that user's tokens. */
export function userIdFor(user: string): string {
  return `usr_${digits(user.trim().toLowerCase())}`;
}

export function newClientId(): string {
  return `skc_${digits(randomTokenId())}`;
}

// ---------------------------------------------------------------------------
// Client ID Metadata Documents on loopback.
// oidc-provider only resolves https:// client ids (as the draft requires) and
// refuses to fetch from special-use addresses such as 127.0.0.1. Tests and
// laptops serve their documents from http://127.0.0.1 or http://localhost, so
// this local server also accepts those: it fetches the document itself, checks
// it the way oidc-provider does, and hands it to oidc-provider as a short-lived
// stored client. https:// client ids still go through oidc-provider's own code.
// ---------------------------------------------------------------------------

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackClientIdUrl(id: string): boolean {
  const url = URL.canParse(id) ? new URL(id) : undefined;
  return (
    url !== undefined &&
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.pathname !== '/' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === ''
  );
}

async function fetchLoopbackClientMetadata(oidc: OidcModule, id: string): Promise<ClientMetadata> {
  const fail = (detail: string) => new oidc.errors.InvalidClient(`client_id metadata document fetch failed: ${detail}`);
  let response: Response;
  try {
    response = await fetch(id, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(2500),
    });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (response.status !== 200) throw fail(`unexpected response status ${response.status}`);
  let document: unknown;
  try {
    document = await response.json();
  } catch {
    throw fail('response is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new oidc.errors.InvalidClientMetadata('client_id metadata document is not a JSON object');
  }
  const metadata = document as ClientMetadata;
  if (metadata.client_id !== id) {
    throw new oidc.errors.InvalidClientMetadata('client_id metadata document client_id does not match its URL');
  }
  if ('client_secret' in metadata || String(metadata.token_endpoint_auth_method).startsWith('client_secret')) {
    throw new oidc.errors.InvalidClientMetadata('client_id metadata document must not use a client secret');
  }
  return metadata;
}

// ---------------------------------------------------------------------------
// The provider.
// ---------------------------------------------------------------------------

function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

export function buildProvider(oidc: OidcModule, settings: ProviderSettings): Provider {
  const { state, keys, serverUrl } = settings;
  const resourceScopes = settings.scopes.join(' ');

  const configuration: Configuration = {
    adapter: settings.adapter,
    jwks: { keys: keys.all.map((key) => key.privateJwk) },
    cookies: { keys: settings.cookieKeys },
    // Only what a Scalekit MCP resource offers: the code flow, no implicit/hybrid, no id_token.
    responseTypes: ['code'],
    // The MCP scopes are declared here as well as on the resource server below, so
    // that client metadata may carry them (the MCP SDK registers `scope: ...`) and a
    // client's registered `scope` limits what it may request.
    scopes: [...settings.scopes, 'offline_access'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    clientBasedCORS: () => true,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    // Ask for consent on every authorization request: only the grant the user just
    // made on the login page counts. Re-using an earlier grant from the browser
    // session would skip the page and break step-up (a scope refused earlier would
    // stay refused).
    loadExistingGrant: (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    routes: {
      authorization: '/oauth/authorize',
      token: '/oauth/token',
      // Internal paths: the HTTP layer serves the Scalekit URLs (`/keys`,
      // `/api/v1/resources/<res>/clients:register`) and forwards them here.
      registration: '/oauth/register',
      jwks: '/oauth/jwks',
    },
    interactions: {
      url: (_ctx, interaction) => `${settings.loginPath}/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: {
        enabled: true,
        idFactory: newClientId,
        issueRegistrationAccessToken: false,
      },
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        allowFetch: () => state.cimd,
        allowClient: () => state.cimd,
      },
      resourceIndicators: {
        enabled: true,
        // A client that sends no `resource` still gets a token for this MCP server.
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? serverUrl,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (!sameUrl(resourceIndicator, serverUrl)) {
            throw new oidc.errors.InvalidTarget(`unknown resource; this server only issues tokens for ${serverUrl}`);
          }
          return {
            scope: resourceScopes,
            audience: serverUrl,
            accessTokenTTL: settings.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256', kid: keys.current.kid } },
          };
        },
      },
      // Not part of Scalekit's MCP metadata.
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },
    formats: {
      customizers: {
        // Shape the access token like Scalekit's.
        jwt: (_ctx, token, { payload }) => {
          const granted = typeof payload.scope === 'string' && payload.scope ? payload.scope.split(' ') : [];
          payload.iss = state.issuerForm === 'resource' ? settings.issuer : settings.environmentUrl;
          payload.aud = [settings.resourceId, serverUrl];
          payload.scope = granted.join(' ');
          payload.scopes = granted;
          payload.nbf = payload.iat;
          payload.oid = settings.organizationId;
          const session = 'sessionUid' in token ? token.sessionUid : undefined;
          if (session) payload.sid = `ses_${digits(session)}`;
        },
      },
    },
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      ClientCredentials: settings.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Error</title>
<h1>Local test authorization server: error</h1>
<p><code id="error">${escapeHtml(String(out.error))}</code></p>
<p id="error_description">${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };

  const provider = new oidc.default(settings.issuer, configuration);

  // Loopback Client ID Metadata Documents (see above).
  const nativeFind = provider.Client.find.bind(provider.Client);
  provider.Client.find = async (id: string) => {
    if (!isLoopbackClientIdUrl(id)) return nativeFind(id);
    if (!state.cimd) return undefined;
    state.cimdFetches += 1;
    const metadata = await fetchLoopbackClientMetadata(oidc, id);
    await settings.adapter('Client').upsert(id, { ...metadata }, 60);
    return nativeFind(id);
  };

  return provider;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
