/**
 * Per-tool scopes, driven by the map in src/mcp-oauth/tool-scopes.ts: change the map and these tests follow.
 * A token missing a tool's scope gets 403 insufficient_scope (the client's cue to step up) before the tool runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, mcpPost, rpcResult, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const allScopes = Object.keys(SCOPES);

it('lists exactly the tools in the scope map', async () => {
  const response = await mcpPost(
    server,
    { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { token: await server.token() },
  );
  const { result } = await rpcResult(response);
  expect(result.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(Object.keys(TOOL_SCOPES).sort());
});

describe.each(Object.entries(TOOL_SCOPES))('tool %s', (tool, required: readonly string[]) => {
  it('runs with exactly its scopes', async () => {
    const response = await mcpPost(server, callTool(tool), {
      token: await server.token({ scope: required.join(' ') }),
    });
    expect(response.status).toBe(200);
    expect((await rpcResult(response)).error).toBeUndefined();
  });

  for (const missing of required) {
    it(`answers 403 insufficient_scope without ${missing}, naming the scopes it needs and those already granted`, async () => {
      const granted = allScopes.filter((scope) => scope !== missing);
      const response = await mcpPost(server, callTool(tool), {
        token: await server.token({ scope: granted.join(' ') }),
      });
      expect(response.status).toBe(403);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="insufficient_scope"');
      const challenged = /scope="([^"]*)"/.exec(challenge)?.[1]?.split(' ') ?? [];
      // Re-authorizing with exactly these must not lose anything the token had.
      expect(new Set(challenged)).toEqual(new Set([...granted, ...required]));
      expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
    });
  }
});

it('reads scopes from the `scopes` array as well as the `scope` string', async () => {
  const [tool, required] = Object.entries(TOOL_SCOPES).find(([, scopes]) => scopes.length > 0) ?? [];
  if (!tool || !required) return; // every tool is open to any valid token: nothing to check
  const response = await mcpPost(server, callTool(tool), { token: await server.token({ scopes: [...required] }) });
  expect(response.status).toBe(200);
});
