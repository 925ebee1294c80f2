/**
 * Several replicas behind a real load balancer, per framework: three built servers of a fixture project behind
 * nginx on loopback, MCP_SERVER_URL pointing at the balancer. The official MCP client runs the whole OAuth flow
 * through it (DCR, PKCE, step-up) against the local Scalekit-shaped authorization server, then a series of tool
 * calls; one replica is stopped mid-run. Replicas share nothing but the configuration, so every call succeeds
 * wherever it lands, and their audit lines show that each one served calls.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalScalekit, type LocalScalekit } from '../../templates/base/dev/local-scalekit.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  generatedProject,
  startGeneratedServer,
  type Framework,
  type RunningServer,
} from '../support/generated-projects.js';
import { startNginx, type Nginx } from '../support/nginx.js';
import { connectV2, HostV2, textOf } from '../support/oauth-hosts.js';
import { freePort } from '../support/ports.js';

const REPLICAS = 3;
const CALLS_BEFORE_STOP = 18;
const CALLS_AFTER_STOP = 12;

/** A probe as the kubelet sends it: to the pod's port, with the pod IP as Host. */
function probe(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The audit lines (`"event":"tool_call"`) a replica wrote. */
function toolCallsServedBy(replica: RunningServer): Array<Record<string, unknown>> {
  return replica
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === 'tool_call');
}

describe.each<Framework>(['express', 'hono'])('%s: three replicas behind nginx', (framework) => {
  let as: LocalScalekit;
  let replicas: RunningServer[] = [];
  let balancer: Nginx;
  let mcpUrl: string;
  const stopped = new Set<number>();

  beforeAll(async () => {
    const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    // nginx needs the replicas' ports; the replicas need the balancer's URL: take the balancer's port first.
    const balancerPort = await freePort();
    mcpUrl = `http://localhost:${balancerPort}/mcp`;
    as = await startLocalScalekit({
      resourceId: FIXTURE_RESOURCE_ID,
      serverUrl: mcpUrl,
      scopes: FIXTURE_SCOPES.map((scope) => scope.name),
      quiet: true,
    });
    const project = generatedProject(framework);
    replicas = await Promise.all(
      ports.map((port) =>
        startGeneratedServer(project, {
          PORT: String(port),
          MCP_SERVER_URL: mcpUrl,
          SCALEKIT_ENVIRONMENT_URL: as.url,
          SCALEKIT_RESOURCE_ID: FIXTURE_RESOURCE_ID,
          MCP_SERVER_URL_IN_AUDIENCE: 'true',
        }),
      ),
    );
    balancer = await startNginx(ports, balancerPort);
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(replicas.map((replica, index) => (stopped.has(index) ? undefined : replica.stop())));
    await as?.close();
  });

  it('answers Kubernetes-style probes (Host = an IP) with 200 on every replica', async () => {
    for (const [index, replica] of replicas.entries()) {
      const podIp = `10.0.0.${index + 1}:3000`;
      expect(await probe(replica.port, '/healthz', podIp)).toBe(200);
      expect(await probe(replica.port, '/readyz', podIp)).toBe(200);
    }
  });

  it('runs OAuth and tool calls through the balancer; a replica stops mid-run; every call succeeds', async () => {
    const user = `replicas-${framework}@example.com`;
    const host = new HostV2({ login: { user, grantScopes: ['todo:read'] } });
    const session = await connectV2(mcpUrl, host);
    try {
      // Sign-in from the 401 through the balancer: DCR and PKCE, the token bound to the balancer's URL.
      expect(host.authorizationUrls).toHaveLength(1);
      expect(host.authorizationUrls[0]!.searchParams.get('resource')).toBe(mcpUrl);
      expect(host.authorizationUrls[0]!.searchParams.get('code_challenge_method')).toBe('S256');
      expect(as.stats().registrations).toBe(1);

      // Step-up: add_todo needs todo:write, the 403 sends the client back to sign in for it.
      host.login = { user };
      const added = await session.run(() => session.client.callTool({ name: 'add_todo', arguments: { title: 'LB' } }));
      expect(textOf(added)).toMatch(/^Added todo \d+: LB$/);
      expect(host.authorizationUrls).toHaveLength(2);

      // From here on any 401 or 403 would throw: calls go straight to the client, no retry on auth errors.
      const call = async (index: number) => {
        const name = ['whoami', 'list_todos', 'add_todo'][index % 3]!;
        const result = await session.client.callTool({
          name,
          arguments: name === 'add_todo' ? { title: `call ${index}` } : {},
        });
        expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy();
        return name;
      };
      for (let index = 0; index < CALLS_BEFORE_STOP; index += 1) await call(index);
      const servedBeforeStop = replicas.map((replica) => toolCallsServedBy(replica).length);

      // Stop one replica (SIGTERM, as a rolling deploy does) while calls keep coming.
      stopped.add(1);
      const stopping = replicas[1]!.stop();
      for (let index = CALLS_BEFORE_STOP; index < CALLS_BEFORE_STOP + CALLS_AFTER_STOP; index += 1) await call(index);
      await stopping;

      const served = replicas.map((replica) => toolCallsServedBy(replica).length);
      const total = 1 + CALLS_BEFORE_STOP + CALLS_AFTER_STOP;
      console.log(
        `${framework}: tool calls served per replica ${JSON.stringify(served)} ` +
          `(before the stop ${JSON.stringify(servedBeforeStop)}), ` +
          `${(await balancer.accessLog()).length} requests through nginx`,
      );
      // Every replica served calls before the stop, and the audit lines add up to every call made (the
      // denied add_todo before the step-up is one more line).
      for (const count of servedBeforeStop) expect(count).toBeGreaterThan(0);
      expect(served.reduce((sum, count) => sum + count, 0)).toBe(total + 1);
      // Once stopped, the replica took at most the one call that may have been on its way; the others took the rest.
      expect(served[1]! - servedBeforeStop[1]!).toBeLessThanOrEqual(1);
      const allowed = replicas.flatMap(toolCallsServedBy).filter((line) => line.decision === 'allowed');
      expect(allowed).toHaveLength(total);
      expect(new Set(allowed.map((line) => line.subject))).toEqual(new Set([as.userIdFor(user)]));
      // The stopped replica drained and exited 0.
      expect(replicas[1]!.output()).toContain('"event":"shutdown_complete"');
    } finally {
      await session.close();
    }
  }, 180_000);

  it('the remaining replicas still answer probes, and the stopped one refuses connections', async () => {
    for (const [index, replica] of replicas.entries()) {
      if (stopped.has(index)) await expect(probe(replica.port, '/healthz', '10.0.0.9:3000')).rejects.toThrow();
      else expect(await probe(replica.port, '/readyz', '10.0.0.9:3000')).toBe(200);
    }
  });
});
