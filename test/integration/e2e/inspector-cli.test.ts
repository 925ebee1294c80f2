/**
 * A second, independent client: MCP Inspector's CLI lists and calls tools of a generated server with a
 * bearer token from the local authorization server, and sees the server's scope checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineToken, startE2eStack, type E2eStack } from '../../support/e2e-stack.js';
import { generatedProject, type Framework } from '../../support/generated-projects.js';
import { ensureInspector, runInspectorCli, type Inspector } from '../../support/inspector.js';

describe.each<Framework>(['express', 'hono'])('MCP Inspector CLI against a generated %s server', (framework) => {
  let inspector: Inspector;
  let stack: E2eStack;

  beforeAll(async () => {
    inspector = await ensureInspector();
    stack = await startE2eStack(generatedProject(framework));
  }, 300_000);
  afterAll(() => stack?.stop());

  const bearer = (token: string) => ['--header', `Authorization: Bearer ${token}`];

  it('lists the tools with a token', async () => {
    const { token } = await machineToken(stack.as, stack.mcpUrl, 'todo:read todo:write');
    const run = await runInspectorCli(inspector, stack.mcpUrl, ['--method', 'tools/list', ...bearer(token)]);
    expect(run.exitCode, run.stderr).toBe(0);
    const tools = (run.json?.result as { tools: { name: string }[] }).tools;
    expect(tools.map((tool) => tool.name).sort()).toEqual(['add_todo', 'list_todos', 'whoami']);
  });

  it('calls tools with a token, and hits the scope check the token does not pass', async () => {
    const writer = await machineToken(stack.as, stack.mcpUrl, 'todo:read todo:write');
    const added = await runInspectorCli(inspector, stack.mcpUrl, [
      '--method',
      'tools/call',
      '--tool-name',
      'add_todo',
      '--tool-arg',
      'title=From the Inspector',
      ...bearer(writer.token),
    ]);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.json).toMatchObject({
      result: { content: [{ type: 'text', text: expect.stringMatching(/^Added todo \d+: From the Inspector$/) }] },
    });

    const reader = await machineToken(stack.as, stack.mcpUrl, 'todo:read');
    const listed = await runInspectorCli(inspector, stack.mcpUrl, [
      '--method',
      'tools/call',
      '--tool-name',
      'list_todos',
      ...bearer(reader.token),
    ]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const refused = await runInspectorCli(inspector, stack.mcpUrl, [
      '--method',
      'tools/call',
      '--tool-name',
      'add_todo',
      '--tool-arg',
      'title=nope',
      ...bearer(reader.token),
    ]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/insufficient scope.*todo:write/i);
  });

  it('is turned away without a valid token', async () => {
    const run = await runInspectorCli(inspector, stack.mcpUrl, ['--method', 'tools/list', ...bearer('not-a-token')]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('invalid_token');
  });
});
