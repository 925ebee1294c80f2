import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeLoginHeadlessly,
  startLocalScalekit,
  type LocalScalekit,
} from '../../templates/base/dev/local-scalekit.js';
import {
  authorizationUrl,
  exchangeCode,
  pkce,
  REDIRECT_URI,
  registerPublicClient,
  RESOURCE_ID,
  SCOPES,
  SERVER_URL,
  verifyAccessToken,
} from './helpers.js';

let as: LocalScalekit;
let clientId: string;

beforeAll(async () => {
  as = await startLocalScalekit({ resourceId: RESOURCE_ID, serverUrl: SERVER_URL, scopes: SCOPES, quiet: true });
  const registered = await registerPublicClient(as);
  clientId = String(registered.body.client_id);
});
afterAll(() => as.close());

async function userToken(opts: Parameters<typeof completeLoginHeadlessly>[1] = {}, scope = SCOPES.join(' ')) {
  const { verifier, challenge } = pkce();
  const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge, { scope }), opts);
  const code = callback.searchParams.get('code');
  expect(code, callback.href).toBeTruthy();
  return exchangeCode(as, clientId, code ?? '', verifier);
}

describe('authorization code + PKCE', () => {
  it('issues a Scalekit-shaped access token', async () => {
    const { verifier, challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('st-123');
    expect(callback.searchParams.get('iss')).toBe(as.issuer);

    const { status, body } = await exchangeCode(as, clientId, callback.searchParams.get('code') ?? '', verifier);
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('todo:read todo:write');

    const claims = await verifyAccessToken(as, String(body.access_token));
    expect(claims.iss).toBe(as.issuer);
    expect(claims.aud).toEqual([RESOURCE_ID, SERVER_URL]);
    expect(claims.scope).toBe('todo:read todo:write');
    expect(claims.scopes).toEqual(['todo:read', 'todo:write']);
    expect(claims.sub).toBe(as.userIdFor('demo@example.com'));
    expect(claims.sub).toMatch(/^usr_\d+$/);
    expect(claims.client_id).toBe(clientId);
    expect(claims.oid).toBe('org_local_dev');
    expect(claims.sid).toMatch(/^ses_\d+$/);
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect(claims.nbf).toBe(claims.iat);
  });

  it('switches the token iss between the resource and the environment form', async () => {
    as.setIssuerForm('environment');
    try {
      const { body } = await userToken();
      expect((await verifyAccessToken(as, String(body.access_token))).iss).toBe(as.url);
    } finally {
      as.setIssuerForm('resource');
    }
    const { body } = await userToken();
    expect((await verifyAccessToken(as, String(body.access_token))).iss).toBe(`${as.url}/resources/${RESOURCE_ID}`);
  });

  it('signs in as the given user', async () => {
    const { body } = await userToken({ user: 'alice@example.com' });
    expect((await verifyAccessToken(as, String(body.access_token))).sub).toBe(as.userIdFor('alice@example.com'));
  });

  it('lets the user grant fewer scopes than requested (for step-up tests)', async () => {
    const { status, body } = await userToken({ grantScopes: ['todo:read'] });
    expect(status).toBe(200);
    expect(body.scope).toBe('todo:read');
    const claims = await verifyAccessToken(as, String(body.access_token));
    expect(claims.scope).toBe('todo:read');
    expect(claims.scopes).toEqual(['todo:read']);
  });

  it('asks again in the same browser session, so step-up can add a refused scope', async () => {
    const cookieJar = new Map<string, string>();
    const first = await userToken({ cookieJar, grantScopes: ['todo:read'] });
    expect(first.body.scope).toBe('todo:read');
    expect([...cookieJar.keys()]).toContain('_session');
    const second = await userToken({ cookieJar, user: 'demo@example.com' });
    expect(second.body.scope).toBe('todo:read todo:write');
  });

  it('grants only the MCP scopes (and offline_access) even if more are asked for', async () => {
    const { status, body } = await userToken({}, 'openid todo:read profile');
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('id_token');
    expect((await verifyAccessToken(as, String(body.access_token))).scopes).toEqual(['todo:read']);
  });

  it('reports access_denied when the user clicks Deny', async () => {
    const { challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge), { deny: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('st-123');
  });

  it('issues a rotating refresh token for offline_access', async () => {
    const first = await userToken({}, 'todo:read todo:write offline_access');
    expect(first.status).toBe(200);
    expect(typeof first.body.refresh_token).toBe('string');
    const refreshed = await fetch(`${as.issuer}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: String(first.body.refresh_token),
        resource: SERVER_URL,
      }),
    });
    const body = (await refreshed.json()) as Record<string, unknown>;
    expect(refreshed.status).toBe(200);
    expect(body.refresh_token).not.toBe(first.body.refresh_token);
    const claims = await verifyAccessToken(as, String(body.access_token));
    expect(claims.scopes).toEqual(['todo:read', 'todo:write']);
  });

  it('defaults the audience to the server URL when the client sends no resource', async () => {
    const { verifier, challenge } = pkce();
    const url = authorizationUrl(as, clientId, challenge);
    url.searchParams.delete('resource');
    const callback = await completeLoginHeadlessly(url);
    const response = await fetch(`${as.issuer}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: callback.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect((await verifyAccessToken(as, String(body.access_token))).aud).toEqual([RESOURCE_ID, SERVER_URL]);
  });

  it('refuses a resource that is not the server URL (invalid_target)', async () => {
    const { challenge } = pkce();
    const callback = await completeLoginHeadlessly(
      authorizationUrl(as, clientId, challenge, { resource: 'http://localhost:4000/other' }),
    );
    expect(callback.searchParams.get('error')).toBe('invalid_target');

    const { verifier, challenge: c2 } = pkce();
    const ok = await completeLoginHeadlessly(authorizationUrl(as, clientId, c2));
    const response = await fetch(`${as.issuer}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: ok.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        resource: RESOURCE_ID,
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_target');
  });

  it('requires PKCE', async () => {
    const url = authorizationUrl(as, clientId, 'x');
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const callback = await completeLoginHeadlessly(url);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('rejects a wrong code_verifier', async () => {
    const { challenge } = pkce();
    const callback = await completeLoginHeadlessly(authorizationUrl(as, clientId, challenge));
    const { status, body } = await exchangeCode(as, clientId, callback.searchParams.get('code') ?? '', pkce().verifier);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('throws a readable error for an unknown client', async () => {
    const { challenge } = pkce();
    await expect(completeLoginHeadlessly(authorizationUrl(as, 'skc_nope', challenge))).rejects.toThrow(
      /invalid_client/,
    );
  });
});
