/**
 * `create-mcp-oauth doctor` as the CLI runs it (in-process through `main`, the real SUBCOMMANDS list): flags reach
 * the checks, usage errors exit 2 naming the flag, findings exit 1, and secrets never reach the terminal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { DoctorReport } from '../../src/doctor/index.js';
import { captureIo } from '../unit/helpers/io.js';
import {
  startAuthorizationServer,
  startMcpServer,
  type FakeAuthorizationServer,
  type FakeMcpServer,
  type McpServerOptions,
  type RunningServer,
} from './support/servers.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function setup(
  mcpOptions: Omit<McpServerOptions, 'as'> = {},
): Promise<{ as: FakeAuthorizationServer; mcp: FakeMcpServer }> {
  const as = await startAuthorizationServer();
  running.push(as);
  const mcp = await startMcpServer({ as, ...mcpOptions });
  running.push(mcp);
  return { as, mcp };
}

async function doctor(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env: { PATH: process.env.PATH, ...env } });
  const code = await main(['doctor', ...args], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

const ESC = String.fromCharCode(27);

describe('doctor usage errors exit 2 and name the flag', () => {
  it.each([
    [[], /missing required argument 'url'/],
    [
      ['http://localhost:1/mcp', '--registration', 'magic'],
      /'--registration <mode>' argument 'magic' is invalid\. Allowed choices are dcr, cimd, both, preregistered/,
    ],
    [['http://localhost:1/mcp', '--timeout', 'soon'], /--timeout must be a positive whole number of milliseconds/],
    [['http://localhost:1/mcp', '--timeout', '0'], /--timeout must be a positive whole number/],
    // Above 2^31-1 ms a Node.js timer fires at once: every request would "time out" immediately.
    [['http://localhost:1/mcp', '--timeout', '2147483648'], /--timeout .* at most 2147483647/],
    [['http://localhost:1/mcp', '--timeout', '99999999999'], /--timeout .* at most 2147483647/],
    [['http://localhost:1/mcp', '--yes'], /unknown option '--yes'/],
    [['http://localhost:1/mcp', '--token'], /option '--token <jwt>' argument missing/],
    [
      ['localhost:3000/mcp'],
      /<url>: "localhost:3000\/mcp" is not an absolute URL: add the scheme, e.g. http:\/\/localhost:3000\/mcp/,
    ],
    [['ftp://example.com/mcp'], /<url>: "ftp:\/\/example.com\/mcp" must be an http or https URL/],
    [['http://localhost:1/mcp', '--token', 'a', '--token-env', 'B'], /either --token or --token-env/],
    [['http://localhost:1/mcp', '--client-secret-env', 'S'], /--client-secret needs --client-id/],
    [['http://localhost:1/mcp', '--client-id', 'c'], /--client-id needs --client-secret or --client-secret-env/],
    [
      ['http://localhost:1/mcp', '--token-env', 'T', '--client-id', 'c', '--client-secret-env', 'S'],
      /either a token \(--token\/--token-env\) or client credentials/,
    ],
    [['http://localhost:1/mcp', '--origin', 'http://localhost:6274/app'], /--origin must be a bare origin/],
  ])('doctor %j', async (args, message) => {
    const run = await doctor(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('create-mcp-oauth doctor --help');
    expect(run.stdout).toBe('');
  });
});

describe('doctor against a server', () => {
  it('maps every flag onto the run and prints pure JSON with --json', async () => {
    const { as, mcp } = await setup();
    const token = await as.signToken({ scopes: ['todo:read'], aud: [as.resourceId, mcp.url] });
    const run = await doctor(
      [
        mcp.url,
        '--registration',
        'both',
        '--resource-id',
        as.resourceId,
        '--token-env',
        'MY_TOKEN',
        '--probe-tools',
        '--origin',
        'http://localhost:6274',
        '--timeout',
        '3000',
        '--json',
      ],
      { MY_TOKEN: token },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report).toMatchObject({
      url: mcp.url,
      registration: 'both',
      probeTools: true,
      timeoutMs: 3000,
      tokenSource: 'env',
    });
    expect(report.checks.find((check) => check.id === 'token.audience')?.seen).toContain(
      `resource id ${as.resourceId} (from --resource-id)`,
    );
    expect(report.checks.find((check) => check.id === 'token.step-up')?.seen).toMatch(
      /add_todo: 403 insufficient_scope, scope="todo:write"/,
    );
    expect(report.summary.fail).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('exits 1 when a check fails, and a wrong --resource-id is such a failure', async () => {
    const { as, mcp } = await setup();
    const token = await as.signToken({ aud: [as.resourceId, mcp.url] });
    const run = await doctor([mcp.url, '--token', token, '--resource-id', 'res_999', '--no-color']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ aud names this MCP server\n\s+seen {2}aud \[.*\]\n\s+resource id res_999 \(from --resource-id\)/,
    );
    expect(run.stdout).toMatch(/1 failed, \d+ warnings?, \d+ passed/);
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('warns that --client-secret lands in shell history, and never prints the secret', async () => {
    const { as, mcp } = await setup();
    const run = await doctor([mcp.url, '--client-id', as.client.id, '--client-secret', as.client.secret]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stderr).toMatch(
      /warning: --client-secret puts the secret in your shell history.*prefer --client-secret-env NAME/,
    );
    expect(run.stdout).toMatch(/✓ A machine token is issued \(client credentials\)/);
    expect(run.stdout + run.stderr).not.toContain(as.client.secret);

    const fromEnv = await doctor([mcp.url, '--client-id', as.client.id, '--client-secret-env', 'SECRET'], {
      SECRET: as.client.secret,
    });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stderr).toBe('');
  });

  it('colors only when asked (FORCE_COLOR), never with --no-color or --json', async () => {
    const { mcp } = await setup();
    expect((await doctor([mcp.url], { FORCE_COLOR: '1' })).stdout).toContain(`${ESC}[32m✓`);
    expect((await doctor([mcp.url, '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
    expect((await doctor([mcp.url, '--json'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
  });

  it('reports an unreachable server as a failed check, not a crash', async () => {
    const { mcp } = await setup();
    const url = mcp.url;
    await Promise.all(running.splice(0).map((server) => server.close()));
    const run = await doctor([url, '--timeout', '1000']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ MCP endpoint is reachable\n\s+seen {2}POST .*: unreachable \(/);
    expect(run.stderr).toBe('');
  });
});
