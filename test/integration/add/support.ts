/**
 * For the `add` suites: copy a fixture project to a temp dir, run the built CLI's `add` on it, install its
 * (patched) dependencies once per package.json into a cache under the OS temp dir, build or just run it,
 * and talk to it over loopback like an MCP client.
 */
import { execa, type ResultPromise } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/add/', import.meta.url));
export const RESOURCE_ID = 'res_4242';
const DEPS_CACHE = path.join(tmpdir(), 'create-mcp-oauth-add-deps');

export async function copyFixture(name: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(tmpdir(), `cmo-add-${name}-`));
  const dir = path.join(parent, name);
  await cp(path.join(FIXTURES_DIR, name), dir, { recursive: true });
  return {
    dir,
    cleanup: () => (process.env.KEEP_FIXTURES ? Promise.resolve() : rm(parent, { recursive: true, force: true })),
  };
}

/** `add` without a terminal, as CI runs it. */
export function runAdd(dir: string, args: string[]): Promise<CliResult> {
  return runCli(['add', dir, ...args], { cwd: dir, timeout: 60_000 });
}

export function scalekitArgs(scalekitUrl = 'http://127.0.0.1:9'): string[] {
  return ['--scalekit-env-url', scalekitUrl, '--resource-id', RESOURCE_ID, '--no-install'];
}

/** Every file under `dir` (node_modules and build output aside) with a hash of its contents. */
export async function treeHashes(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  async function visit(relative: string): Promise<void> {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(child);
      else
        hashes[child] = createHash('sha256')
          .update(await readFile(path.join(dir, child)))
          .digest('hex');
    }
  }
  await visit('');
  return hashes;
}

/**
 * Links `dir/node_modules` to an install of `dir/package.json`'s dependencies, made once per distinct
 * package.json and reused by later runs (the first run on a machine pays for the install).
 */
export async function linkDependencies(dir: string): Promise<void> {
  const manifest = await readFile(path.join(dir, 'package.json'), 'utf8');
  const key = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  const cached = path.join(DEPS_CACHE, key);
  if (!(await exists(path.join(cached, 'node_modules', '.installed')))) {
    const staging = `${cached}.${randomBytes(4).toString('hex')}`;
    await mkdir(staging, { recursive: true });
    await writeFile(path.join(staging, 'package.json'), manifest);
    const install = await execa('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: staging,
      reject: false,
      all: true,
    });
    if (install.exitCode !== 0) throw new Error(`npm install failed for ${dir}:\n${install.all}`);
    await writeFile(path.join(staging, 'node_modules', '.installed'), '');
    await rm(cached, { recursive: true, force: true });
    await rename(staging, cached).catch(async () => rm(staging, { recursive: true, force: true }));
  }
  await symlink(path.join(cached, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** `tsc -p .` with the project's own TypeScript: type-checks and builds dist/. */
export async function buildTypeScript(dir: string): Promise<{ exitCode: number | undefined; output: string }> {
  const result = await execa(
    process.execPath,
    [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
    { cwd: dir, reject: false, all: true },
  );
  return { exitCode: result.exitCode, output: String(result.all) };
}

export interface RunningProject {
  origin: string;
  /** The MCP endpoint as clients name it (MCP_SERVER_URL: localhost and the public path). */
  mcpUrl: string;
  /** The same endpoint over 127.0.0.1, where the tests send requests. */
  endpoint: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node <main>` with the OAuth settings in the environment (the MCP endpoint at `mcpPath`) and waits until
 * PRM answers.
 */
export async function startProject(
  dir: string,
  main: string,
  env: Record<string, string>,
  mcpPath = '/mcp',
  args: string[] = [],
): Promise<RunningProject> {
  const port = await freePort();
  let output = '';
  const child: ResultPromise = execa(process.execPath, [main, ...args], {
    cwd: dir,
    reject: false,
    env: {
      PORT: String(port),
      MCP_SERVER_URL: `http://localhost:${port}${mcpPath}`,
      SCALEKIT_RESOURCE_ID: RESOURCE_ID,
      ...env,
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  void child.finally(() => (exited = true));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${origin}/.well-known/oauth-protected-resource${mcpPath}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (exited) throw new Error(`${main} exited before serving:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${main} did not serve PRM within 20 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    mcpUrl: `http://localhost:${port}${mcpPath}`,
    endpoint: `${origin}${mcpPath}`,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export interface McpAnswer {
  status: number;
  wwwAuthenticate: string | null;
  /** The session a stateful server opened (`Mcp-Session-Id`). */
  sessionId: string | null;
  /** The JSON-RPC message(s), from a JSON or an SSE body. */
  messages: {
    id?: unknown;
    result?: { tools?: { name: string }[]; content?: { text?: string }[]; isError?: boolean };
    error?: { message: string };
  }[];
}

/** POSTs JSON-RPC to the MCP endpoint (over 127.0.0.1) the way a 2025-era client does, in a session when given one. */
export async function mcpPost(
  endpoint: string,
  body: object,
  token?: string,
  sessionId?: string | null,
): Promise<McpAnswer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const eventStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const payloads = eventStream
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .filter(Boolean)
    : [text].filter(Boolean);
  const messages = payloads.flatMap((payload) => {
    try {
      const parsed: unknown = JSON.parse(payload);
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return [];
    }
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    sessionId: response.headers.get('mcp-session-id'),
    messages,
  };
}

export const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'add-test', version: '1.0.0' } },
};
export const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
export const callTool = (name: string, args: object = {}, id = 2) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
