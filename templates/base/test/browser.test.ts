/** Browser clients (MCP Inspector, web hosts): CORS on every answer, and the Origin guard against DNS rebinding. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawRequest } from './support/serve.js';
import { initialize, mcpPost, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('refuses a request from a foreign Origin with 403', async () => {
  const response = await mcpPost(server, initialize, {
    token: await server.token(),
    headers: { origin: 'https://evil.example' },
  });
  expect(response.status).toBe(403);
});

it('accepts a request from a local Origin (MCP Inspector in the browser)', async () => {
  const response = await mcpPost(server, initialize, {
    token: await server.token(),
    headers: { origin: 'http://localhost:6274' },
  });
  expect(response.status).toBe(200);
});

it('answers the CORS preflight before any guard, with the headers MCP clients send', async () => {
  const response = await fetch(server.mcpUrl, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:6274',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, mcp-protocol-version, mcp-session-id',
    },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
  for (const header of ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-session-id'])
    expect(allowed).toContain(header);
});

it('lets a browser read the challenge on a 401', async () => {
  const response = await mcpPost(server, initialize, { headers: { origin: 'http://localhost:6274' } });
  expect(response.status).toBe(401);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect((response.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('www-authenticate');
});

it('refuses a Host header it does not serve (DNS rebinding)', async () => {
  const { status } = await rawRequest(`${server.origin}/.well-known/oauth-protected-resource`, {
    headers: { host: 'attacker.example' },
  });
  expect(status).toBe(403);
});
