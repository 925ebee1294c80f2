/** One structured log line per refused request, with a stable reason, the client when known, and never the token. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, captureLogs, initialize, mcpPost, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const logs = captureLogs();
beforeAll(async () => {
  // Lists unfiltered, as by default, so a call without the scope gets the 403 step-up.
  server = await startTestServer({ log: logs.log, filterLists: false });
});
afterAll(() => server.close());

async function refusalsFor(send: () => Promise<Response>) {
  const before = logs.lines.length;
  await (await send()).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, 20)); // Express logs on 'finish'
  return logs.lines.slice(before).filter((line) => line.event === 'request_rejected');
}

it('logs a missing token as missing_token', async () => {
  const lines = await refusalsFor(() => mcpPost(server, initialize));
  expect(lines).toEqual([
    expect.objectContaining({ level: 'warn', reason: 'missing_token', status: 401, method: 'POST', path: '/mcp' }),
  ]);
});

it('logs an expired token as token_expired with the client it claims, and never the token', async () => {
  const token = await server.token({ exp: Math.floor(Date.now() / 1000) - 60, client_id: 'client_expired' });
  const lines = await refusalsFor(() => mcpPost(server, initialize, { token }));
  expect(lines).toEqual([expect.objectContaining({ reason: 'token_expired', client_id: 'client_expired' })]);
  expect(JSON.stringify(logs.lines)).not.toContain(token);
  expect(JSON.stringify(logs.lines)).not.toContain(token.split('.')[2]);
});

it('logs a wrong audience as audience_mismatch', async () => {
  const lines = await refusalsFor(async () =>
    mcpPost(server, initialize, { token: await server.token({ aud: ['res_other'] }) }),
  );
  expect(lines).toEqual([expect.objectContaining({ reason: 'audience_mismatch' })]);
});

it('logs a step-up as insufficient_scope with the verified client and the scope it needs', async () => {
  const [tool, scopes] =
    Object.entries<readonly string[]>(TOOL_SCOPES).find(([, required]) => required.length > 0) ?? [];
  if (!tool || !scopes) return;
  const lines = await refusalsFor(async () =>
    mcpPost(server, callTool(tool), { token: await server.token({ client_id: 'client_a', scope: '' }) }),
  );
  expect(lines).toEqual([
    expect.objectContaining({
      status: 403,
      reason: 'insufficient_scope',
      client_id: 'client_a',
      required_scope: scopes.join(' '),
    }),
  ]);
});

it('logs a foreign Origin as origin_not_allowed', async () => {
  const lines = await refusalsFor(async () =>
    mcpPost(server, initialize, { token: await server.token(), headers: { origin: 'https://evil.example' } }),
  );
  expect(lines).toEqual([expect.objectContaining({ status: 403, reason: 'origin_not_allowed' })]);
});

it('logs nothing for accepted requests', async () => {
  expect(await refusalsFor(async () => mcpPost(server, initialize, { token: await server.token() }))).toEqual([]);
});
