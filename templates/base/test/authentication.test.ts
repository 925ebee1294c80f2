/** What a client sees before and after it has a token: the challenge that starts its OAuth flow, and acceptance of Scalekit's token shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize, mcpPost, RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function challengeOf(response: Response): string {
  return response.headers.get('www-authenticate') ?? '';
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
});

describe('when the Server URL is registered in Scalekit', () => {
  it('also requires the server URL in the audience', async () => {
    const strict = await startTestServer({ env: { MCP_SERVER_URL_IN_AUDIENCE: 'true' } });
    try {
      await expect(
        mcpPost(strict, initialize, { token: await strict.token({ aud: [RESOURCE_ID, strict.mcpUrl] }) }),
      ).resolves.toHaveProperty('status', 200);
      expect((await mcpPost(strict, initialize, { token: await strict.token({ aud: [RESOURCE_ID] }) })).status).toBe(
        401,
      );
    } finally {
      await strict.close();
    }
  });
});
