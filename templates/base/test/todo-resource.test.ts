/** The example resource template todo://todos/{id}: each user reads their own todos, and nobody else's. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RESOURCE_SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, mcpPost, readResource, rpcResult, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const scope = [...TOOL_SCOPES.add_todo, ...RESOURCE_SCOPES['todo://todos/{id}']].join(' ');

async function send(sub: string, body: unknown) {
  return rpcResult(await mcpPost(server, body, { token: await server.token({ sub, scope }) }));
}

it("reads the caller's todo by id, lists it, and answers not found for another user's", async () => {
  const { result: added } = await send('usr_alice', callTool('add_todo', { title: 'Water the plants' }));
  const id = added.structuredContent.todo.id as number;

  const { result } = await send('usr_alice', readResource(`todo://todos/${id}`));
  expect(JSON.parse(result.contents[0].text)).toMatchObject({ id, title: 'Water the plants' });

  const { result: listed } = await send('usr_alice', { jsonrpc: '2.0', id: 2, method: 'resources/list' });
  expect(listed.resources).toContainEqual(
    expect.objectContaining({ uri: `todo://todos/${id}`, title: 'Water the plants' }),
  );

  const { error, result: stolen } = await send('usr_mallory', readResource(`todo://todos/${id}`));
  expect(stolen).toBeUndefined();
  expect(error.message).toMatch(/not found/i);
});

it('answers not found for an id that is not a plain number', async () => {
  await send('usr_alice', callTool('add_todo', { title: 'One' }));
  for (const id of ['01', '1.0', '1,2', '%31', '-1']) {
    const { error, result } = await send('usr_alice', readResource(`todo://todos/${id}`));
    expect(result, id).toBeUndefined();
    expect(error.message, id).toMatch(/not found/i);
  }
});
