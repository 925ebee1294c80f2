/**
 * A third, independent client: the official MCP conformance suite runs its protocol scenarios (initialize, ping,
 * the three lists, DNS-rebinding protection) against each generated server, with a token from the local
 * authorization server added by a loopback proxy. Every check must pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  failedChecks,
  LIST_SCENARIOS,
  PROTOCOL_SCENARIOS,
  runConformance,
  startTokenProxy,
  type TokenProxy,
} from '../../support/conformance.js';
import { machineToken, startE2eStack, type E2eStack } from '../../support/e2e-stack.js';
import { generatedProject, type Fixture } from '../../support/generated-projects.js';

describe.each<Fixture>(['express', 'hono', 'workers'])(
  'the MCP conformance suite against a generated %s server',
  (framework) => {
    let stack: E2eStack;
    let proxy: TokenProxy;

    beforeAll(async () => {
      stack = await startE2eStack(generatedProject(framework));
      const { token } = await machineToken(stack.as, stack.mcpUrl, 'todo:read todo:write');
      proxy = await startTokenProxy(stack.mcpUrl, () => token);
    }, 180_000);
    afterAll(async () => {
      await proxy?.close();
      await stack?.stop();
    });

    it('passes every protocol scenario that applies to it', { timeout: 180_000 }, async () => {
      const runs = await runConformance(proxy.url, [...PROTOCOL_SCENARIOS, ...Object.values(LIST_SCENARIOS)]);
      expect(failedChecks(runs)).toEqual([]);
      const passed = runs.flatMap((run) => run.checks.filter((check) => check.status === 'SUCCESS').map((c) => c.id));
      // The rebinding probe was refused and the genuine request accepted: both checks ran, not only one.
      expect(passed).toEqual(
        expect.arrayContaining(['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted', 'ping']),
      );
    });

    it('is refused by the server without the token, so the passes above are with authentication', async () => {
      const [run] = await runConformance(stack.mcpUrl, ['server-initialize']);
      expect(run?.checks.map((check) => check.status)).toEqual(['FAILURE']);
      expect(run?.checks[0]?.errorMessage).toMatch(/401|invalid_token|unauthorized/i);
    });
  },
);
