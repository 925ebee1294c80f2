import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  completeLoginHeadlessly,
  startLocalScalekit,
  type LocalScalekit,
} from '../../templates/base/dev/local-scalekit.js';
import {
  authorizationUrl,
  basic,
  exchangeCode,
  pkce,
  REDIRECT_URI,
  registerPublicClient,
  RESOURCE_ID,
  SCOPES,
  SERVER_URL,
  tokenRequest,
  verifyAccessToken,
} from './helpers.js';

let as: LocalScalekit;
let machine: { client_id: string; client_secret: string };

beforeAll(async () => {
  as = await startLocalScalekit({
    resourceId: RESOURCE_ID,
    serverUrl: SERVER_URL,
    scopes: SCOPES,
    quiet: true,
    clients: [
      {
        client_id: 'skc_machine',
        client_secret: 'machine-secret',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
  });
  const registered = await as.registerClient({
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  machine = { client_id: registered.client_id, client_secret: String(registered.client_secret) };
});
afterAll(() => as.close());
afterEach(() => {
  as.setDcr(true);
  as.setCimd(true);
});

async function getJson(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('metadata and keys', () => {
  it('serves Scalekit-shaped authorization server metadata at both locations', async () => {
    const base = as.url;
    const issuer = `${base}/resources/${RESOURCE_ID}`;
    const atResource = await getJson(`${issuer}/.well-known/oauth-authorization-server`);
    const rfc8414 = await getJson(`${base}/.well-known/oauth-authorization-server/resources/${RESOURCE_ID}`);
    expect(atResource.status).toBe(200);
    expect(atResource.headers.get('access-control-allow-origin')).toBe('*');
    expect(rfc8414.body).toEqual(atResource.body);
    expect(as.issuer).toBe(issuer);
    expect(atResource.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      registration_endpoint: `${base}/api/v1/resources/${RESOURCE_ID}/clients:register`,
      jwks_uri: `${base}/keys`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      response_types_supported: ['code'],
      scopes_supported: ['todo:read', 'todo:write', 'offline_access'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(atResource.body.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(atResource.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
    );
    // Nothing OpenID-specific leaks in.
    expect(atResource.body).not.toHaveProperty('userinfo_endpoint');
    expect(atResource.body).not.toHaveProperty('id_token_signing_alg_values_supported');
  });

  it('answers 404 for openid-configuration, as Scalekit does', async () => {
    const response = await fetch(`${as.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect((await fetch(`${as.url}/.well-known/openid-configuration`)).status).toBe(404);
  });

  it('publishes RS256 keys with kid at /keys', async () => {
    const { status, body } = await getJson(`${as.url}/keys`);
    expect(status).toBe(200);
    const keys = body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(typeof key.kid).toBe('string');
      expect(key).not.toHaveProperty('d');
    }
  });

  it('answers CORS preflights for browser clients (MCP Inspector)', async () => {
    for (const url of [`${as.issuer}/oauth/token`, `${as.url}/api/v1/resources/${RESOURCE_ID}/clients:register`]) {
      const response = await fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:6274',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/localhost:6274)$/);
    }
    const registration = await fetch(`${as.url}/api/v1/resources/${RESOURCE_ID}/clients:register`, {
      method: 'POST',
      headers: { origin: 'http://localhost:6274', 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    expect(registration.status).toBe(201);
    expect(registration.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('counts JWKS fetches', async () => {
    as.resetStats();
    await fetch(`${as.url}/keys`);
    await fetch(`${as.url}/keys`);
    expect(as.stats().jwksFetches).toBe(2);
  });
});

describe('dynamic client registration', () => {
  it('registers public and confidential clients while on', async () => {
    const pub = await registerPublicClient(as);
    expect(pub.status).toBe(201);
    expect(pub.body.client_id).toMatch(/^skc_\d+$/);
    expect(pub.body).not.toHaveProperty('client_secret');

    const conf = await registerPublicClient(as, { token_endpoint_auth_method: 'client_secret_basic' });
    expect(conf.status).toBe(201);
    expect(typeof conf.body.client_secret).toBe('string');

    // A confidential client still has to use PKCE and authenticates at the token endpoint.
    const { verifier, challenge } = pkce();
    const clientId = String(conf.body.client_id);
    const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge));
    const token = await tokenRequest(
      as,
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        resource: SERVER_URL,
      },
      { authorization: basic(clientId, String(conf.body.client_secret)) },
    );
    expect(token.status).toBe(200);
  });

  it('disappears from metadata and answers 404 while off', async () => {
    as.setDcr(false);
    const metadata = await getJson(`${as.issuer}/.well-known/oauth-authorization-server`);
    expect(metadata.body).not.toHaveProperty('registration_endpoint');
    expect((await registerPublicClient(as)).status).toBe(404);
  });

  it('still serves pre-registered clients while off', async () => {
    as.setDcr(false);
    const client = await as.registerClient({
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
    });
    const { verifier, challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, client.client_id, challenge));
    const token = await exchangeCode(as, client.client_id, callback.searchParams.get('code') ?? '', verifier);
    expect(token.status).toBe(200);
  });
});

describe('client ID metadata documents', () => {
  let docServer: Server;
  let clientId: string;

  beforeAll(async () => {
    docServer = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          client_id: clientId,
          client_name: 'CIMD test host',
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    await new Promise<void>((resolve) => docServer.listen(0, '127.0.0.1', resolve));
    clientId = `http://127.0.0.1:${(docServer.address() as AddressInfo).port}/oauth/client.json`;
  });
  afterAll(() => new Promise<void>((resolve) => docServer.close(() => resolve())));

  it('toggles client_id_metadata_document_supported', async () => {
    as.setCimd(false);
    expect((await getJson(as.metadataUrl)).body).not.toHaveProperty('client_id_metadata_document_supported');
    as.setCimd(true);
    expect((await getJson(as.metadataUrl)).body.client_id_metadata_document_supported).toBe(true);
  });

  it('authorizes a client whose metadata document is served from loopback', async () => {
    as.resetStats();
    const { verifier, challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge));
    expect(callback.searchParams.get('code')).toBeTruthy();
    const token = await exchangeCode(as, clientId, callback.searchParams.get('code') ?? '', verifier);
    expect(token.status).toBe(200);
    expect((await verifyAccessToken(as, String(token.body.access_token))).client_id).toBe(clientId);
    expect(as.stats().cimdFetches).toBeGreaterThan(0);
  });

  it('refuses such a client while CIMD is off', async () => {
    as.setCimd(false);
    const { challenge } = pkce();
    await expect(completeLoginHeadlessly(authorizationUrl(as, clientId, challenge))).rejects.toThrow(/invalid_client/);
  });
});

describe('client credentials', () => {
  it('issues a machine token with client_secret_basic', async () => {
    const { status, body } = await tokenRequest(
      as,
      { grant_type: 'client_credentials', scope: 'todo:read', resource: SERVER_URL },
      { authorization: basic('skc_machine', 'machine-secret') },
    );
    expect(status).toBe(200);
    const claims = await verifyAccessToken(as, String(body.access_token));
    expect(claims).toMatchObject({
      sub: 'skc_machine',
      client_id: 'skc_machine',
      scope: 'todo:read',
      scopes: ['todo:read'],
    });
    expect(claims.aud).toEqual([RESOURCE_ID, SERVER_URL]);
  });

  it('issues a machine token with client_secret_post', async () => {
    const { status, body } = await tokenRequest(as, {
      grant_type: 'client_credentials',
      client_id: machine.client_id,
      client_secret: machine.client_secret,
      scope: 'todo:read todo:write',
      resource: SERVER_URL,
    });
    expect(status).toBe(200);
    expect((await verifyAccessToken(as, String(body.access_token))).scopes).toEqual(['todo:read', 'todo:write']);
  });

  it('refuses another resource and a wrong secret', async () => {
    const wrongResource = await tokenRequest(
      as,
      { grant_type: 'client_credentials', scope: 'todo:read', resource: 'https://evil.example/mcp' },
      { authorization: basic('skc_machine', 'machine-secret') },
    );
    expect(wrongResource).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    const wrongSecret = await tokenRequest(
      as,
      { grant_type: 'client_credentials', scope: 'todo:read' },
      { authorization: basic('skc_machine', 'nope') },
    );
    expect(wrongSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });
});

describe('keys', () => {
  it('rotates: new kid in the JWKS, new tokens signed with it, old key kept for a grace period', async () => {
    const before = as.currentKid();
    const oldToken = await as.signToken();
    const { kid } = await as.rotateKeys();
    expect(kid).not.toBe(before);
    expect(as.currentKid()).toBe(kid);

    const jwks = (await getJson(`${as.url}/keys`)).body.keys as { kid: string }[];
    expect(jwks.map((k) => k.kid)).toEqual([kid, before]);

    const { body } = await tokenRequest(
      as,
      { grant_type: 'client_credentials', scope: 'todo:read' },
      { authorization: basic('skc_machine', 'machine-secret') },
    );
    expect(decodeProtectedHeader(String(body.access_token)).kid).toBe(kid);
    await verifyAccessToken(as, String(body.access_token));
    await verifyAccessToken(as, oldToken);

    // User flows keep working on the rebuilt provider.
    const client = await registerPublicClient(as);
    const { verifier, challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, String(client.body.client_id), challenge));
    const token = await exchangeCode(
      as,
      String(client.body.client_id),
      callback.searchParams.get('code') ?? '',
      verifier,
    );
    expect(decodeProtectedHeader(String(token.body.access_token)).kid).toBe(kid);

    // Without a grace period the old key is gone at once.
    const { kid: third } = await as.rotateKeys({ keepPrevious: false });
    expect(((await getJson(`${as.url}/keys`)).body.keys as { kid: string }[]).map((k) => k.kid)).toEqual([third]);
    await expect(verifyAccessToken(as, oldToken)).rejects.toThrow();
  });

  it('signToken mints realistic or arbitrary tokens for negative tests', async () => {
    const claims = await verifyAccessToken(as, await as.signToken({ scope: 'todo:read', scopes: undefined }));
    expect(claims.scope).toBe('todo:read');
    expect(claims).not.toHaveProperty('scopes');
    expect(claims.aud).toEqual([RESOURCE_ID, SERVER_URL]);

    const expired = await as.signToken({ exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(verifyAccessToken(as, expired)).rejects.toThrow(/exp/);

    const unknown = await as.signToken({}, { unknownKey: true });
    expect(decodeProtectedHeader(unknown).kid).not.toBe(as.currentKid());
    await expect(verifyAccessToken(as, unknown)).rejects.toThrow();

    const bare = await as.signToken({ sub: 'x' }, { defaults: false });
    expect(JSON.parse(Buffer.from(bare.split('.')[1] ?? '', 'base64url').toString())).toEqual({ sub: 'x' });
  });
});

describe('safety', () => {
  it('refuses to start with NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      await expect(
        startLocalScalekit({ resourceId: RESOURCE_ID, serverUrl: SERVER_URL, scopes: SCOPES, quiet: true }),
      ).rejects.toThrow(/NODE_ENV=production/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses to bind anything but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', 'localhost', '::']) {
      await expect(
        startLocalScalekit({
          resourceId: RESOURCE_ID,
          serverUrl: SERVER_URL,
          scopes: SCOPES,
          quiet: true,
          host: host as '127.0.0.1',
        }),
      ).rejects.toThrow(/only ever listens on 127\.0\.0\.1/);
    }
  });

  it('prints a loud notice unless quiet', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const other = await startLocalScalekit({ resourceId: 'res_2', serverUrl: SERVER_URL, scopes: SCOPES });
      await other.close();
      expect(warn.mock.calls.flat().join('\n')).toMatch(
        /LOCAL TEST AUTHORIZATION SERVER.*not Scalekit, not for production/,
      );
    } finally {
      warn.mockRestore();
    }
  });
});
