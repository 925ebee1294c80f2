/** Every request to the MCP endpoint needs a valid Scalekit token: anything else is a 401 challenge, never a 500 or a 200. */
import { decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, signToken } from './support/signing-keys.js';
import { initialize, mcpPost, RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function challengeOf(response: Response): string {
  return response.headers.get('www-authenticate') ?? '';
}

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  const challenge = challengeOf(response);
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
  expect(await response.text()).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
}

describe('without a token', () => {
  it('answers 401 with a challenge pointing at the metadata and naming the scopes', async () => {
    const response = await mcpPost(server, initialize);
    expect(response.status).toBe(401);
    const challenge = challengeOf(response);
    expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toMatch(/scope="[^"]+"/);
    // No credentials were presented, so no error code (RFC 6750 §3.1).
    expect(challenge).not.toContain('error=');
  });

  it('treats GET and DELETE the same way', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(server.mcpUrl, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(401);
      expect(challengeOf(response)).toContain('resource_metadata=');
    }
  });

  it('does not accept another scheme or a token in the query string', async () => {
    expect((await mcpPost(server, initialize, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(401);
    const token = await server.token();
    const response = await fetch(`${server.mcpUrl}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(401);
  });
});

describe('with a bad token', () => {
  const badTokens: Record<string, () => Promise<string>> = {
    'garbage': async () => 'not-a-jwt',
    'expired': () => server.token({ exp: Math.floor(Date.now() / 1000) - 60 }),
    'not yet valid (nbf in the future)': () => server.token({ nbf: Math.floor(Date.now() / 1000) + 600 }),
    'without exp': () => server.token({ exp: undefined }),
    'from another issuer': () => server.token({ iss: 'https://evil.example.com' }),
    'for another resource': () => server.token({ aud: ['res_other'] }),
    'for another server URL': () => server.token({ aud: [RESOURCE_ID, 'https://other.example.com/mcp'] }),
    'for this server URL with a trailing slash': () => server.token({ aud: [RESOURCE_ID, `${server.mcpUrl}/`] }),
    'with a resource claim for another URL': () => server.token({ resource: 'https://other.example.com/mcp' }),
    'signed with an unknown key': async () => signToken(await createSigningKey('other-key'), await claimsOf(server)),
    "signed with an unknown key that reuses the server key's kid": async () =>
      signToken(await createSigningKey(server.signingKey.kid), await claimsOf(server)),
    'with alg none': async () => unsignedToken(await claimsOf(server)),
    'signed HS256 with the public key as secret': async () => hs256WithPublicKey(await claimsOf(server)),
  };

  for (const [name, makeToken] of Object.entries(badTokens)) {
    it(`refuses a token ${name}`, async () => {
      await expectInvalidToken(await mcpPost(server, initialize, { token: await makeToken() }));
    });
  }

  it('refuses an empty bearer token', async () => {
    await expectInvalidToken(await mcpPost(server, initialize, { headers: { authorization: 'Bearer ' } }));
  });
});

describe('with a valid token', () => {
  it('accepts both issuer forms Scalekit uses', async () => {
    for (const iss of [`${server.scalekit.url}/resources/${RESOURCE_ID}`, server.scalekit.url]) {
      expect((await mcpPost(server, initialize, { token: await server.token({ iss }) })).status).toBe(200);
    }
  });

  it('accepts an audience that is the resource id alone, and a lowercase scheme name', async () => {
    const token = await server.token({ aud: RESOURCE_ID });
    expect((await mcpPost(server, initialize, { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });

  it('picks up a rotated signing key without a restart', async () => {
    const rotated = await createSigningKey('rotated-key');
    server.scalekit.keys.push(rotated);
    const response = await mcpPost(server, initialize, { token: await signToken(rotated, await claimsOf(server)) });
    expect(response.status).toBe(200);
  });
});

describe('when the Server URL is registered in Scalekit', () => {
  it('also requires the server URL in the audience', async () => {
    const strict = await startTestServer({ env: { MCP_SERVER_URL_IN_AUDIENCE: 'true' } });
    try {
      await expect(mcpPost(strict, initialize, { token: await strict.token({ aud: [RESOURCE_ID, strict.mcpUrl] }) })).resolves.toHaveProperty('status', 200);
      expect((await mcpPost(strict, initialize, { token: await strict.token({ aud: [RESOURCE_ID] }) })).status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

async function claimsOf(target: TestServer) {
  const { decodeJwt } = await import('jose');
  return decodeJwt(await target.token());
}

function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

function unsignedToken(claims: object): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.`;
}

/** The classic algorithm-confusion attack: HMAC keyed with the server's *public* key. */
async function hs256WithPublicKey(claims: Record<string, unknown>): Promise<string> {
  const secret = new TextEncoder().encode(JSON.stringify(server.signingKey.publicJwk));
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: server.signingKey.kid }).sign(secret);
  expect(decodeProtectedHeader(token).alg).toBe('HS256');
  return token;
}
