/** The example todo tools work, per user. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, mcpPost, rpcResult, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function call(sub: string, tool: string, args: Record<string, unknown> = {}) {
  const token = await server.token({ sub, scope: [...TOOL_SCOPES.add_todo, ...TOOL_SCOPES.list_todos].join(' ') });
  const { result } = await rpcResult(await mcpPost(server, callTool(tool, args), { token }));
  return result;
}

it("adds todos to the caller's own list", async () => {
  await call('usr_alice', 'add_todo', { title: 'Write the README' });
  await call('usr_bob', 'add_todo', { title: "Bob's todo" });
  const alice = await call('usr_alice', 'list_todos');
  expect(alice.structuredContent.todos.map((todo: { title: string }) => todo.title)).toEqual(['Write the README']);
});

it('rejects an empty title', async () => {
  const result = await call('usr_alice', 'add_todo', { title: '   ' });
  expect(result.isError).toBe(true);
});
