// The official MCP client's OAuth code against the local server, the way MCP hosts
// run it: PRM -> authorization server metadata (issuer check) -> DCR -> PKCE
// authorization -> token with resource=<server url>. No MCP server is needed: the
// PRM of the (never contacted) MCP server at SERVER_URL is answered by `fetchFn`.
import {
  auth,
  ClientCredentialsProvider,
  discoverAuthorizationServerMetadata,
  type FetchLike,
  type OAuthClientMetadata,
  type OAuthDiscoveryState,
  type OAuthClientProvider,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeLoginHeadlessly,
  startLocalScalekit,
  type LocalScalekit,
} from '../../templates/base/dev/local-scalekit.js';
import { REDIRECT_URI, RESOURCE_ID, SCOPES, SERVER_URL, verifyAccessToken } from './helpers.js';

let as: LocalScalekit;
let fetchFn: FetchLike;

beforeAll(async () => {
  as = await startLocalScalekit({ resourceId: RESOURCE_ID, serverUrl: SERVER_URL, scopes: SCOPES, quiet: true });
  const mcpOrigin = new URL(SERVER_URL).origin;
  fetchFn = async (url, init) => {
    const target = new URL(url);
    if (target.origin !== mcpOrigin) return fetch(url, init);
    if (target.pathname.startsWith('/.well-known/oauth-protected-resource')) {
      return Response.json({
        resource: SERVER_URL,
        authorization_servers: [as.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: SCOPES,
      });
    }
    return new Response('not found', { status: 404 });
  };
});
afterAll(() => as.close());

class HostProvider implements OAuthClientProvider {
  client?: StoredOAuthClientInformation;
  saved?: StoredOAuthTokens;
  verifier = '';
  authorizationUrl?: URL;
  discovery?: OAuthDiscoveryState;

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP SDK test host',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

describe('official MCP client (@modelcontextprotocol/client)', () => {
  it('discovers the metadata from the issuer (RFC 8414 path) and passes the issuer check', async () => {
    const metadata = await discoverAuthorizationServerMetadata(as.issuer);
    expect(metadata?.issuer).toBe(as.issuer);
    expect(metadata?.registration_endpoint).toBe(`${as.url}/api/v1/resources/${RESOURCE_ID}/clients:register`);
  });

  it('registers, authorizes and gets a token with auth()', async () => {
    as.resetStats();
    const host = new HostProvider();
    expect(await auth(host, { serverUrl: SERVER_URL, fetchFn })).toBe('REDIRECT');
    expect(host.client?.client_id).toMatch(/^skc_/);
    expect(as.stats().registrations).toBe(1);

    const authorizationUrl = host.authorizationUrl;
    expect(authorizationUrl?.searchParams.get('resource')).toBe(SERVER_URL);
    expect(authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl?.searchParams.get('scope')).toBe('todo:read todo:write offline_access');

    const callback = await completeLoginHeadlessly(authorizationUrl ?? '');
    const result = await auth(host, {
      serverUrl: SERVER_URL,
      fetchFn,
      authorizationCode: callback.searchParams.get('code') ?? '',
      iss: callback.searchParams.get('iss') ?? undefined,
    });
    expect(result).toBe('AUTHORIZED');
    const claims = await verifyAccessToken(as, host.saved?.access_token ?? '');
    expect(claims.aud).toEqual([RESOURCE_ID, SERVER_URL]);
    expect(claims.scopes).toEqual(SCOPES);
    // The SDK asks for offline_access when the server offers it: a refresh token comes back and works.
    expect(host.saved?.refresh_token).toBeTruthy();
    const before = host.saved?.access_token;
    host.saved = { ...host.saved, access_token: 'expired' } as StoredOAuthTokens;
    expect(await auth(host, { serverUrl: SERVER_URL, fetchFn })).toBe('AUTHORIZED');
    expect(host.saved?.access_token).not.toBe(before);
    await verifyAccessToken(as, host.saved?.access_token ?? '');
  });

  it('runs the client credentials grant with ClientCredentialsProvider', async () => {
    const machine = await as.registerClient({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const provider = new ClientCredentialsProvider({
      clientId: machine.client_id,
      clientSecret: String(machine.client_secret),
      scope: 'todo:read',
      expectedIssuer: as.issuer,
    });
    expect(await auth(provider, { serverUrl: SERVER_URL, fetchFn })).toBe('AUTHORIZED');
    const claims = await verifyAccessToken(as, provider.tokens()?.access_token ?? '');
    expect(claims).toMatchObject({ sub: machine.client_id, client_id: machine.client_id });
    expect(claims.scopes).toContain('todo:read');
  });
});
