/**
 * Hostile and malformed requests to the MCP endpoint. Every one gets a 401 challenge (never a 200, never a
 * 500, never a stack trace); a genuine token without the scope gets the 403 step-up; oversized bodies 413.
 */
import { request } from 'node:http';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../src/limits.js';
import { TOOL_SCOPES } from '../src/mcp/tool-scopes.js';
import { createSigningKey, signToken } from './support/signing-keys.js';
import { callTool, initialize, mcpPost, RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  // Lists unfiltered, as by default, so a token without a scope gets the step-up (see list-filtering.test.ts).
  server = await startTestServer({ filterLists: false });
});
afterAll(() => server.close());

const now = () => Math.floor(Date.now() / 1000);

async function expectChallenge(response: Response, options: { error: boolean }): Promise<void> {
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
  if (options.error) expect(challenge).toContain('error="invalid_token"');
  else expect(challenge).not.toContain('error=');
  expect(await response.text()).not.toMatch(/\bat .*\.(ts|js):\d+|Error:/); // no stack traces, no raw errors
}

async function validClaims() {
  return decodeJwt(await server.token());
}

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

describe('requests without usable credentials', () => {
  const cases: Record<string, Record<string, string>> = {
    'no Authorization header': {},
    'the Basic scheme': { authorization: 'Basic dXNlcjpwYXNzd29yZA==' },
    'a token with no scheme': { authorization: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
  };
  for (const [name, headers] of Object.entries(cases)) {
    it(`challenges ${name}`, async () => {
      await expectChallenge(await mcpPost(server, initialize, { headers }), { error: false });
    });
  }

  it('ignores a token in the query string', async () => {
    const response = await fetch(`${server.mcpUrl}?access_token=${await server.token()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    await expectChallenge(response, { error: false });
  });
});

describe('bad tokens', () => {
  const badTokens: Record<string, () => Promise<string>> = {
    'an empty bearer token': async () => ' ',
    'nothing after Bearer': async () => '',
    garbage: async () => 'not-a-jwt',
    'a JWT with alg none': async () =>
      `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(await validClaims()))}.`,
    'HS256 signed with the RSA public key as the secret': async () =>
      new SignJWT(await validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: server.signingKey.kid })
        .sign(new TextEncoder().encode(JSON.stringify(server.signingKey.publicJwk))),
    'an unknown kid': async () => signToken(await createSigningKey('unknown-kid'), await validClaims()),
    'a foreign key that reuses our kid': async () =>
      signToken(await createSigningKey(server.signingKey.kid), await validClaims()),
    'an expired token': () => server.token({ exp: now() - 60 }),
    'nbf in the future': () => server.token({ nbf: now() + 600 }),
    'no exp': () => server.token({ exp: undefined }),
    'a foreign issuer': () => server.token({ iss: 'https://attacker.scalekit.com' }),
    'the other issuer form of a foreign environment': () =>
      server.token({ iss: `https://attacker.scalekit.com/resources/${RESOURCE_ID}` }),
    'the audience of another resource': () => server.token({ aud: ['res_someone_else'] }),
    'a resource claim for another URL': () => server.token({ resource: 'https://elsewhere.example.com/mcp' }),
    'the server URL with a trailing slash in aud': () => server.token({ aud: [RESOURCE_ID, `${server.mcpUrl}/`] }),
    'another server URL in aud': () => server.token({ aud: [RESOURCE_ID, 'https://elsewhere.example.com/mcp'] }),
    'a 100 KB token': async () => `${await server.token()}${'A'.repeat(100 * 1024)}`,
  };

  for (const [name, makeToken] of Object.entries(badTokens)) {
    it(`refuses ${name} with a 401 challenge`, async () => {
      await expectChallenge(
        await mcpPost(server, initialize, { headers: { authorization: `Bearer ${await makeToken()}` } }),
        { error: true },
      );
    });
  }

  it('refuses two Authorization headers, even when one is valid', async () => {
    const valid = await server.token();
    // Sent as two separate header lines (Node keeps only the first in req.headers).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      });
      req.setHeader('authorization', [`Bearer ${valid}`, 'Bearer other']); // an array is sent as two header lines
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(initialize));
    });
    expect(status).toBe(401);
    // Folded into one line by the client: the same answer.
    await expectChallenge(
      await mcpPost(server, initialize, { headers: { authorization: `Bearer ${valid}, Bearer ${valid}` } }),
      { error: true },
    );
  });
});

describe('genuine tokens', () => {
  it('get the 403 step-up, not a 401, when a scope is missing', async () => {
    const [tool, scopes] = Object.entries(TOOL_SCOPES).find(([, required]) => required.length > 0) ?? [];
    if (!tool || !scopes) return; // no tool needs a scope
    const response = await mcpPost(server, callTool(tool), { token: await server.token({ scope: '' }) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('are refused a body over the limit before it is parsed (413), and without a token the 401 comes first', async () => {
    const body = JSON.stringify({ ...initialize, padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES + 1) });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const withToken = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${await server.token()}` },
      body,
    });
    expect(withToken.status).toBe(413);
    const withoutToken = await fetch(server.mcpUrl, { method: 'POST', headers, body });
    expect(withoutToken.status).toBe(401);
  });
});
