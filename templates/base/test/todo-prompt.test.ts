/** The example prompt review_todos: it puts the caller's own todos in front of the model. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROMPT_SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, getPrompt, mcpPost, rpcResult, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const scope = [...TOOL_SCOPES.add_todo, ...PROMPT_SCOPES.review_todos].join(' ');

async function send(sub: string, body: unknown) {
  return rpcResult(await mcpPost(server, body, { token: await server.token({ sub, scope }) }));
}

it("builds the prompt from the caller's todos only, with the optional focus", async () => {
  await send('usr_alice', callTool('add_todo', { title: 'File the taxes' }));
  await send('usr_bob', callTool('add_todo', { title: "Bob's secret plan" }));

  const { result } = await send('usr_alice', getPrompt('review_todos', { focus: 'quick wins' }));
  const text = result.messages.map((message: { content: { text: string } }) => message.content.text).join('\n');
  expect(text).toContain('File the taxes');
  expect(text).toContain('quick wins');
  expect(text).not.toContain("Bob's secret plan");
});
