/** How clients find Scalekit from this server: Protected Resource Metadata (RFC 9728) and the metadata mirror. */
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('protected resource metadata', () => {
  for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    it(`is served without a token at ${path}`, async () => {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({
        resource: server.mcpUrl,
        authorization_servers: [`${server.scalekit.url}/resources/${RESOURCE_ID}`],
        bearer_methods_supported: ['header'],
        scopes_supported: Object.keys(SCOPES),
        resource_name: expect.any(String),
      });
    });
  }

  it('names the MCP endpoint exactly, without a trailing slash', async () => {
    const document = (await (
      await fetch(`${server.origin}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as OAuthProtectedResourceMetadata;
    expect(document.resource).toBe(`${server.origin}/mcp`);
    expect(document.scopes_supported).not.toContain('offline_access');
  });

  it('answers CORS preflights', async () => {
    const response = await fetch(`${server.origin}/.well-known/oauth-protected-resource/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('authorization server metadata mirror', () => {
  it("serves Scalekit's document for older clients", async () => {
    const response = await fetch(`${server.origin}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(
      `${server.scalekit.url}/resources/${RESOURCE_ID}`,
    );
  });

  it('answers 502 with a JSON error when Scalekit is unreachable, and the server keeps serving', async () => {
    const offline = await startTestServer({ env: { SCALEKIT_RESOURCE_ID: 'res_999' } });
    try {
      const response = await fetch(`${offline.origin}/.well-known/oauth-authorization-server`);
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
      expect((await fetch(`${offline.origin}/healthz`)).status).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
