/**
 * Hostile and malformed requests to the MCP endpoint. Every one gets a 401 challenge (never a 200, never a
 * 500, never a stack trace); a genuine token without the scope gets the 403 step-up; oversized bodies 413.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../src/mcp-oauth/limits.js';
import { TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { hostileRequests, postWithAuthorization, type RawAnswer } from './support/hostile-requests.js';
import { callTool, initialize, mcpPost, RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  // Lists unfiltered, as by default, so a token without a scope gets the step-up (see list-filtering.test.ts).
  server = await startTestServer({ filterLists: false });
});
afterAll(() => server.close());

function expectChallenge(answer: RawAnswer, options: { error: boolean }): void {
  expect(answer.status).toBe(401);
  const challenge = answer.wwwAuthenticate ?? '';
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
  if (options.error) expect(challenge).toContain('error="invalid_token"');
  else expect(challenge).not.toContain('error=');
  expect(answer.body).not.toMatch(/\bat .*\.(ts|js):\d+|Error:/); // no stack traces, no raw errors
}

describe('requests without usable credentials, and bad tokens', () => {
  // The same battery create-mcp-oauth runs against servers it patches with `add` (support/hostile-requests.ts).
  const battery = hostileRequests(() => ({
    mcpUrl: server.mcpUrl,
    resourceId: RESOURCE_ID,
    signingKey: server.signingKey,
    token: (claims) => server.token(claims),
  }));
  for (const hostile of battery) {
    it(`challenges ${hostile.name} with a 401`, async () => {
      const answer = await postWithAuthorization(server.mcpUrl, initialize, await hostile.authorization());
      expectChallenge(answer, { error: hostile.invalidToken });
    });
  }

  it('ignores a token in the query string', async () => {
    const answer = await postWithAuthorization(`${server.mcpUrl}?access_token=${await server.token()}`, initialize, []);
    expectChallenge(answer, { error: false });
  });
});

describe('genuine tokens', () => {
  it('get the 403 step-up, not a 401, when a scope is missing', async () => {
    const [tool, scopes] =
      Object.entries<readonly string[]>(TOOL_SCOPES).find(([, required]) => required.length > 0) ?? [];
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
