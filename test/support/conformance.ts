/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`), a client written by the protocol's
 * maintainers, run against a server under test. Its server scenarios send no token, so a protected server is
 * reached through a loopback proxy that adds one (the set-up the suite's authors suggest). The suite needs
 * Node >= 22 while this repository supports Node 20: it is installed at test time from the npm registry into the
 * test tool cache (./tool-cache.ts) and run on Node 22, like the MCP Inspector.
 */
import { execa } from 'execa';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCachedPackages, ensureNodeBinDir, NODE_22, withNode } from './tool-cache.js';

/** Pinned: the scenario names and the checks.json format are what the tests read. */
export const CONFORMANCE_VERSION = '0.1.16';

/**
 * The server scenarios that apply to any MCP server with tools, resources and prompts. The others exercise the
 * suite's reference server (tools named `test_simple_text`…, logging, completions) and report "Method not found"
 * elsewhere.
 */
export const PROTOCOL_SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'] as const;
export const LIST_SCENARIOS = { resources: 'resources-list', prompts: 'prompts-list' } as const;

export interface ConformanceCheck {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: unknown;
}

export interface ConformanceRun {
  scenario: string;
  exitCode: number | undefined;
  /** Every check the scenario made (from its checks.json). */
  checks: ConformanceCheck[];
  /** The suite's own report, for failure messages. */
  output: string;
}

async function conformanceBin(): Promise<{ node: string; script: string }> {
  const dir = await ensureCachedPackages(
    `conformance-${CONFORMANCE_VERSION}-node${NODE_22}`,
    [`@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`],
    { env: await withNode(NODE_22) },
  );
  return {
    node: join(await ensureNodeBinDir(NODE_22), 'node'),
    script: join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
  };
}

/** `conformance server --url <url> --scenario <scenario>` for each scenario, one after the other. */
export async function runConformance(url: string, scenarios: readonly string[]): Promise<ConformanceRun[]> {
  const { node, script } = await conformanceBin();
  const runs: ConformanceRun[] = [];
  for (const scenario of scenarios) {
    const outputDir = await mkdtemp(join(tmpdir(), 'conformance-'));
    try {
      const result = await execa(node, [script, 'server', '--url', url, '--scenario', scenario, '-o', outputDir], {
        reject: false,
        all: true,
        stdin: 'ignore',
        env: { NO_COLOR: '1', CI: 'true' },
        timeout: 60_000,
      });
      // <outputDir>/server-<scenario>-<timestamp>/checks.json
      const [runDir] = await readdir(outputDir);
      const checks = runDir
        ? (JSON.parse(await readFile(join(outputDir, runDir, 'checks.json'), 'utf8')) as ConformanceCheck[])
        : [];
      runs.push({ scenario, exitCode: result.exitCode, checks, output: String(result.all) });
    } finally {
      await rm(outputDir, { recursive: true, force: true });
    }
  }
  return runs;
}

/** The checks of `runs` that did not pass (warnings and notes aside), with the scenario they belong to. */
export function failedChecks(runs: readonly ConformanceRun[]): string[] {
  return runs.flatMap((run) =>
    run.checks.length === 0
      ? [`${run.scenario}: no checks recorded (exit ${run.exitCode})\n${run.output}`]
      : run.checks
          .filter((check) => check.status === 'FAILURE')
          .map((check) => `${run.scenario} / ${check.id}: ${check.errorMessage ?? JSON.stringify(check.details)}`),
  );
}

export interface TokenProxy {
  /** The MCP URL to give the suite: the proxy's, with the server's path. */
  url: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of `mcpUrl` (a server on localhost) that adds `Authorization: Bearer <token>` to
 * every request. It is otherwise transparent: a Host or Origin naming the proxy is rewritten to name the server,
 * as if the client had connected to it directly, and any other Host or Origin (a DNS-rebinding probe's) reaches
 * the server unchanged.
 */
export async function startTokenProxy(mcpUrl: string, token: () => string): Promise<TokenProxy> {
  const target = new URL(mcpUrl);
  const server = http.createServer((request, response) => {
    const proxyHost = request.socket.localPort === undefined ? '' : `localhost:${request.socket.localPort}`;
    const headers = { ...request.headers, authorization: `Bearer ${token()}` };
    if (headers.host === proxyHost) headers.host = target.host;
    if (headers.origin === `http://${proxyHost}`) headers.origin = target.origin;
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, path: request.url, method: request.method, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
    response.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ClientUnderScenario {
  scenario: string;
  /** What the client printed. */
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  /** The suite's own report, for failure messages. */
  output: string;
}

/**
 * `conformance client --scenario <scenario> --command …`: the suite starts its own servers for the scenario (an MCP
 * server and an authorization server, each laid out as the scenario describes) and runs `argv` with the MCP URL
 * appended. The suite splits its command on spaces, so `argv` goes into a small script it can name safely, which
 * also keeps what the client prints: a scenario's server may bring the suite down mid-run (one of its mock servers
 * throws on a token it did not issue), and the client's report must survive that.
 */
export async function runClientUnderScenario(argv: readonly string[], scenario: string): Promise<ClientUnderScenario> {
  const { node, script } = await conformanceBin();
  const dir = await mkdtemp(join(tmpdir(), 'conformance-client-'));
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const file = (name: string) => join(dir, name);
  try {
    const launcher = file('client.sh');
    await writeFile(
      launcher,
      `#!/bin/sh\n${argv.map(quote).join(' ')} "$@" > ${quote(file('stdout'))} 2> ${quote(file('stderr'))}\n` +
        `echo $? > ${quote(file('exit.tmp'))} && mv ${quote(file('exit.tmp'))} ${quote(file('exit'))}\n`,
    );
    await chmod(launcher, 0o755);
    const result = await execa(node, [script, 'client', '--command', launcher, '--scenario', scenario], {
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { NO_COLOR: '1', CI: 'true' },
      timeout: 60_000,
    });
    // The client may outlive the suite (see above): wait for it to finish.
    const deadline = Date.now() + 30_000;
    let exit = '';
    while ((exit = await readFile(file('exit'), 'utf8').catch(() => '')) === '' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      scenario,
      stdout: await readFile(file('stdout'), 'utf8').catch(() => ''),
      stderr: await readFile(file('stderr'), 'utf8').catch(() => ''),
      exitCode: exit === '' ? undefined : Number(exit),
      output: String(result.all),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
