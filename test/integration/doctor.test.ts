/**
 * `create-mcp-oauth doctor` (the BUILT CLI) against the servers the fixture generated, each pointed at the local
 * Scalekit-shaped authorization server: a freshly generated project must pass every check, with and without a
 * token, and the one deliberate misconfiguration here (DCR expected but off) must be named by the right check.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalScalekit, type LocalScalekit } from '../../templates/base/dev/local-scalekit.js';
import type { DoctorReport } from '../../src/doctor/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  generatedProject,
  startGeneratedServer,
  type Fixture,
  type RunningServer,
} from '../support/generated-projects.js';
import { freePort } from '../support/ports.js';

const MACHINE_CLIENT = { client_id: 'skc_doctor_machine', client_secret: randomBytes(24).toString('base64url') };

function parseReport(run: CliResult): DoctorReport {
  try {
    return JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor --json did not print JSON (exit ${run.exitCode}):\n${run.all}`);
  }
}

const idsWith = (report: DoctorReport, status: string) =>
  report.checks.filter((check) => check.status === status).map((check) => check.id);

/** The human report, for assertion messages: which check failed and what doctor saw. */
function explain(report: DoctorReport): string {
  return report.checks
    .filter((check) => check.status === 'fail' || check.status === 'warn')
    .map((check) => `${check.status} ${check.id}: ${check.seen}`)
    .join('\n');
}

describe.each<Fixture>(['express', 'hono', 'workers'])('doctor against a generated %s server', (framework) => {
  let as: LocalScalekit;
  let server: RunningServer;

  beforeAll(async () => {
    const project = generatedProject(framework);
    // The MCP URL must be known before the authorization server starts (it is the token audience).
    const port = await freePort();
    as = await startLocalScalekit({
      resourceId: FIXTURE_RESOURCE_ID,
      serverUrl: `http://localhost:${port}/mcp`,
      scopes: FIXTURE_SCOPES.map((scope) => scope.name),
      clients: [
        { ...MACHINE_CLIENT, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' },
      ],
      quiet: true,
    });
    server = await startGeneratedServer(project, {
      PORT: String(port),
      SCALEKIT_ENVIRONMENT_URL: as.url,
      SCALEKIT_RESOURCE_ID: FIXTURE_RESOURCE_ID,
    });
    expect(server.mcpUrl).toBe(as.serverUrl);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await as?.close();
  });

  /**
   * A machine token from the local authorization server, limited to `scope` (todo:read),
   * as a host would request it.
   */
  async function readOnlyToken(scope = 'todo:read'): Promise<string> {
    const response = await fetch(`${as.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${MACHINE_CLIENT.client_id}:${MACHINE_CLIENT.client_secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: server.mcpUrl }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  it('passes every check without a token (--registration both), quickly', async () => {
    const started = performance.now();
    const run = await runCli(['doctor', server.mcpUrl, '--registration', 'both', '--json']);
    const wallMs = Math.round(performance.now() - started);
    const report = parseReport(run);

    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    // A generated server leaves nothing to warn about: not even the optional metadata mirror.
    expect(idsWith(report, 'warn'), explain(report)).toEqual([]);
    // Only the token step is skipped, for want of a token.
    expect(idsWith(report, 'skip')).toEqual(['token.source']);
    expect(run.exitCode).toBe(0);
    expect(report.discovered).toMatchObject({
      resource: server.mcpUrl,
      authorizationServer: as.issuer,
      issuer: as.issuer,
      jwksUri: as.jwksUrl,
      scopesSupported: ['todo:read', 'todo:write'],
    });
    // Everything independent runs in parallel: a healthy run is far below one request timeout (5 s).
    expect(report.durationMs).toBeLessThan(5_000);
    console.info(
      `doctor wall time against the generated ${framework} server: ` +
        `${wallMs} ms (process), ${report.durationMs} ms (checks)`,
    );
  });

  it('passes every check with a todo:read token and --probe-tools, including the step-up for add_todo', async () => {
    const token = await readOnlyToken();
    const run = await runCli(
      ['doctor', server.mcpUrl, '--registration', 'both', '--token-env', 'MCP_TOKEN', '--probe-tools', '--json'],
      { env: { MCP_TOKEN: token } },
    );
    const report = parseReport(run);

    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(idsWith(report, 'warn'), explain(report)).toEqual([]);
    expect(idsWith(report, 'skip')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(report.tokenSource).toBe('env');
    expect(report.discovered.tools).toEqual(['whoami', 'list_todos', 'add_todo']);
    const stepUp = report.checks.find((check) => check.id === 'token.step-up')!;
    expect(stepUp.seen).toMatch(/^whoami: allowed/m);
    expect(stepUp.seen).toMatch(/^list_todos: allowed/m);
    expect(stepUp.seen).toMatch(/^add_todo: 403 insufficient_scope, scope="todo:read todo:write"/m);
    // The prompt and the resource template need todo:read, which this token holds.
    expect(report.checks.find((check) => check.id === 'token.prompt-step-up')).toMatchObject({
      status: 'pass',
      seen: expect.stringMatching(/^review_todos: allowed/m),
    });
    expect(report.checks.find((check) => check.id === 'token.resource-step-up')).toMatchObject({
      status: 'pass',
      seen: expect.stringMatching(/^todo:\/\/todos\/doctor-probe: allowed/m),
    });
    expect(run.all).not.toContain(token);
  });

  it('with --probe-tools also gets each prompt and reads each resource, and names those that step up', async () => {
    const token = await readOnlyToken('todo:write');
    const run = await runCli(['doctor', server.mcpUrl, '--token-env', 'MCP_TOKEN', '--probe-tools', '--json'], {
      env: { MCP_TOKEN: token },
    });
    const report = parseReport(run);
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    const seen = (id: string) => report.checks.find((check) => check.id === id)?.seen ?? '';
    // Each challenge keeps the scope the token holds (todo:write) and adds the one it lacks.
    expect(seen('token.prompt-step-up')).toMatch(
      /^review_todos: 403 insufficient_scope, scope="todo:write todo:read"/m,
    );
    expect(seen('token.resource-step-up')).toMatch(
      /^todo:\/\/todos\/doctor-probe: 403 insufficient_scope, scope="todo:write todo:read"/m,
    );
    expect(seen('token.step-up')).toMatch(/^list_todos: 403 insufficient_scope/m);
  });

  it('fetches its machine token with --client-id/--client-secret-env, sending the secret nowhere else', async () => {
    as.resetStats();
    const run = await runCli(
      [
        'doctor',
        server.mcpUrl,
        '--registration',
        'both',
        '--client-id',
        MACHINE_CLIENT.client_id,
        '--client-secret-env',
        'DOCTOR_SECRET',
        '--json',
      ],
      { env: { DOCTOR_SECRET: MACHINE_CLIENT.client_secret } },
    );
    const report = parseReport(run);
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(report.tokenSource).toBe('client-credentials');
    expect(report.checks.find((check) => check.id === 'token.scopes')).toMatchObject({
      status: 'pass',
      seen: expect.stringContaining('has every scope in scopes_supported'),
    });
    expect(as.stats().tokenRequests).toBe(1);
    expect(run.all).not.toContain(MACHINE_CLIENT.client_secret);
  });

  it('prints readable ✓ lines, and never the token', async () => {
    const token = await readOnlyToken();
    const run = await runCli(['doctor', server.mcpUrl, '--registration', 'both', '--token', token, '--probe-tools']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain(
      `create-mcp-oauth doctor  ${server.mcpUrl}\n\n1. Unauthenticated ` +
        `request\n  ✓ An unauthenticated initialize is refused with 401\n`,
    );
    for (const line of [
      '  ✓ PRM resource matches the MCP URL',
      '  ✓ issuer equals authorization_servers[0]',
      '  ✓ Client registration matches --registration both',
      '  ✓ A request from an untrusted Origin is refused with 403',
      '  ✓ aud names this MCP server',
      '  ✓ Tools lacking a scope answer 403 insufficient_scope',
    ]) {
      expect(run.stdout).toContain(`${line}\n`);
    }
    // Passing checks are one line each: no seen/why/fix detail to wade through.
    expect(run.stdout).not.toMatch(/^\s+(seen|why|fix) /m);
    expect(run.stdout).toMatch(/\n0 failed, 0 warnings, 35 passed, 0 skipped {2}\(\d+ ms\)$/);
    expect(run.stdout).not.toContain(String.fromCharCode(27)); // no colors when not a terminal
    // Neither the whole token nor any of its three parts.
    for (const part of [token, ...token.split('.')]) expect(run.all).not.toContain(part);
  });

  it('names the registration check when DCR is expected but turned off, and exits 1', async () => {
    // A host already read the server's metadata mirror, so the server holds a copy made while DCR was on.
    expect((await fetch(`${server.origin}/.well-known/oauth-authorization-server`)).status).toBe(200);
    as.setDcr(false);
    try {
      const run = await runCli(['doctor', server.mcpUrl, '--registration', 'dcr', '--json']);
      const report = parseReport(run);
      expect(idsWith(report, 'fail'), explain(report)).toEqual(['authorization-server.registration']);
      expect(run.exitCode).toBe(1);
      const registration = report.checks.find((check) => check.id === 'authorization-server.registration')!;
      expect(registration.seen).toContain('DCR is expected but there is no registration_endpoint');
      expect(registration.fix).toContain('Dynamic Client Registration');
      // The running server still mirrors the metadata it cached while DCR was on: a restart is due, and doctor says so.
      expect(idsWith(report, 'warn'), explain(report)).toEqual(['authorization-server.mirror']);
      expect(report.checks.find((check) => check.id === 'authorization-server.mirror')?.seen).toMatch(
        /registration_endpoint: mirror ".*clients:register", authorization server \(absent\)/,
      );
    } finally {
      as.setDcr(true);
    }
  });
});
