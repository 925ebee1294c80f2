/**
 * The audit trail: one `tool_call` line per tool call, allowed or denied, with who called (subject, client,
 * organization), why it was allowed or denied, and how long it took; never the token, never the arguments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { callTool, captureLogs, mcpPost, rpcResult, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const logs = captureLogs();
beforeAll(async () => {
  server = await startTestServer({ log: logs.log });
});
afterAll(() => server.close());

/** The audit lines one request produced. */
async function auditLinesOf(send: () => Promise<Response>) {
  const before = logs.lines.length;
  await (await send()).arrayBuffer();
  return logs.lines.slice(before).filter((line) => line.event === 'tool_call');
}

interface ListedTool {
  name: string;
  inputSchema?: { required?: string[]; properties?: Record<string, { type?: string }> };
}

/** Arguments that satisfy a tool's input schema: a plain value for each required property. */
async function argumentsFor(tool: string): Promise<Record<string, unknown>> {
  const response = await mcpPost(
    server,
    { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { token: await server.token() },
  );
  const { result } = await rpcResult(response);
  const schema = (result.tools as ListedTool[]).find((listed) => listed.name === tool)?.inputSchema;
  const sample: Record<string, unknown> = { string: 'audit', number: 1, integer: 1, boolean: true, array: [] };
  return Object.fromEntries(
    (schema?.required ?? []).map((name) => [name, sample[schema?.properties?.[name]?.type ?? 'string'] ?? 'audit']),
  );
}

describe.each(Object.entries<readonly string[]>(TOOL_SCOPES))('tool %s', (tool, required: readonly string[]) => {
  it('writes one line when it runs: who, allowed and why, outcome, duration', async () => {
    const token = await server.token({ scope: required.join(' '), org_id: 'org_42', sub: 'usr_audit' });
    const call = callTool(tool, await argumentsFor(tool));
    const lines = await auditLinesOf(() => mcpPost(server, call, { token }));
    expect(lines).toEqual([
      {
        level: 'info',
        event: 'tool_call',
        tool,
        subject: 'usr_audit',
        client_id: 'client_test',
        organization_id: 'org_42',
        decision: 'allowed',
        reason: required.length === 0 ? 'no_scope_required' : 'scopes_granted',
        outcome: expect.stringMatching(/^(ok|error)$/),
        duration_ms: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });

  for (const missing of required) {
    it(`writes one denied line without ${missing}, naming the scopes the step-up asks for`, async () => {
      const token = await server.token({
        scope: Object.keys(SCOPES)
          .filter((scope) => scope !== missing)
          .join(' '),
      });
      const lines = await auditLinesOf(() => mcpPost(server, callTool(tool), { token }));
      expect(lines).toEqual([
        expect.objectContaining({
          tool,
          subject: 'usr_test',
          client_id: 'client_test',
          organization_id: undefined,
          decision: 'denied',
          reason: 'insufficient_scope',
          required_scope: expect.stringContaining(missing),
          duration_ms: expect.any(Number),
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain(token.split('.')[1]);
    });
  }
});

it('never logs the arguments of a call', async () => {
  const marker = 'private-argument-value-7c1f';
  for (const [tool, required] of Object.entries<readonly string[]>(TOOL_SCOPES)) {
    const withMarker = Object.fromEntries(
      Object.entries(await argumentsFor(tool)).map(([name, value]) => [
        name,
        typeof value === 'string' ? marker : value,
      ]),
    );
    const token = await server.token({ scope: required.join(' ') });
    const lines = await auditLinesOf(() =>
      mcpPost(server, callTool(tool, { ...withMarker, extra: marker }), { token }),
    );
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(marker);
  }
});

it('writes nothing for requests that are not tool calls', async () => {
  expect(
    await auditLinesOf(async () =>
      mcpPost(server, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token: await server.token() }),
    ),
  ).toEqual([]);
});
