/**
 * The projects scaffolded on the Node under test (test/smoke/global-setup.ts): they type-check and pass their own
 * tests, and the built server, pointed at the local Scalekit-shaped authorization server, serves PRM, challenges,
 * steps up and serves a tool; `doctor` finds nothing wrong with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, mcpPost } from '../integration/add/support.js';
import { runCli } from '../support/cli.js';
import { machineToken, startE2eStack, type E2eStack } from '../support/e2e-stack.js';
import { generatedProject, typecheckAndTest, type Framework } from '../support/generated-projects.js';

describe.each<Framework>(['express', 'hono'])('a scaffolded %s project', (framework) => {
  it('type-checks and passes its own test suite', async () => {
    const { typecheck, tests } = await typecheckAndTest(generatedProject(framework));
    expect(typecheck.exitCode, typecheck.output).toBe(0);
    expect(tests.exitCode, tests.output).toBe(0);
    expect(tests.output).toMatch(/Tests\s+\d+ passed/);
  }, 600_000);

  describe('started against the local authorization server', () => {
    let stack: E2eStack;
    beforeAll(async () => {
      stack = await startE2eStack(generatedProject(framework));
    });
    afterAll(() => stack?.stop());

    const metadataUrl = () => stack.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp');

    it('serves Protected Resource Metadata at both well-known URLs', async () => {
      for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
        const response = await fetch(`${stack.server.origin}${path}`);
        expect(response.status, path).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: stack.mcpUrl,
          authorization_servers: [stack.as.issuer],
          scopes_supported: ['todo:read', 'todo:write'],
        });
      }
    });

    it('challenges a request without a token with 401', async () => {
      const answer = await mcpPost(stack.mcpUrl, callTool('whoami'));
      expect(answer.status).toBe(401);
      expect(answer.wwwAuthenticate).toBe(`Bearer resource_metadata="${metadataUrl()}", scope="todo:read todo:write"`);
    });

    it('answers 403 insufficient_scope for a tool beyond the token, and 200 for one within it', async () => {
      const { token: readOnly } = await machineToken(stack.as, stack.mcpUrl, 'todo:read');
      const refused = await mcpPost(stack.mcpUrl, callTool('add_todo', { title: 'Not this one' }), readOnly);
      expect(refused.status).toBe(403);
      expect(refused.wwwAuthenticate).toContain('error="insufficient_scope"');
      expect(refused.wwwAuthenticate).toContain('scope="todo:read todo:write"');

      const { token: writer } = await machineToken(stack.as, stack.mcpUrl, 'todo:write');
      const added = await mcpPost(stack.mcpUrl, callTool('add_todo', { title: 'Ship it' }), writer);
      expect(added.status).toBe(200);
      expect(added.messages[0]?.result?.content?.[0]?.text).toMatch(/^Added todo \d+: Ship it$/);
    });

    it('passes every `doctor` check', async () => {
      const doctor = await runCli(['doctor', stack.mcpUrl, '--registration', 'both']);
      expect(doctor.exitCode, doctor.all).toBe(0);
      expect(doctor.stdout).toMatch(/^0 failed, \d+ warnings, \d+ passed/m);
      expect(doctor.stdout, doctor.all).not.toContain('✗');
    });
  });
});
