/**
 * The projects the integration fixture (global-setup.ts) scaffolded, and how to run their server.
 * The scopes carry hostile descriptions on purpose: every suite then also proves they stay data.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { CliResult } from './cli.js';
import { freePort } from './ports.js';
import { HOSTILE_DESCRIPTIONS } from './project-config.js';

export type Framework = 'express' | 'hono';
/** The fixture projects: one per framework on Node, and Hono on Cloudflare Workers (`--deploy workers`). */
export type Fixture = Framework | 'workers';

export interface GeneratedProject {
  framework: Fixture;
  dir: string;
  /** The scaffold run, for the suite that asserts on it. */
  cli: CliResult;
  /** Ready to start: `npm run build` succeeded (Node), or the install did (Workers: wrangler bundles on start). */
  built: boolean;
  /** Environment for npm in this project: Node 22 first on PATH for Workers (wrangler needs >= 22.12). */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    generatedProjects: Record<Fixture, GeneratedProject>;
  }
}

export const FIXTURE_RESOURCE_ID = 'res_4242';
export const FIXTURE_SCOPES = [
  { name: 'todo:read', description: HOSTILE_DESCRIPTIONS[0]! },
  { name: 'todo:write', description: HOSTILE_DESCRIPTIONS.slice(1).join(' ') },
];
export const FIXTURE_TOOLS = [
  { name: 'whoami', scopes: [] as string[] },
  { name: 'list_todos', scopes: ['todo:read'] },
  { name: 'add_todo', scopes: ['todo:write'] },
];

export function generatedProject(framework: Fixture): GeneratedProject {
  const project = inject('generatedProjects')[framework];
  if (!project.built) throw new Error(`The ${framework} fixture did not scaffold and build:\n${project.cli.all}`);
  return project;
}

export interface CommandRun {
  exitCode: number | undefined;
  /** stdout and stderr interleaved. */
  output: string;
}

/** What a user runs first in a fresh project: `npm run typecheck`, then the project's own `npm test`. */
export async function typecheckAndTest(
  project: GeneratedProject,
): Promise<{ typecheck: CommandRun; tests: CommandRun }> {
  const npm = async (args: string[], env: Record<string, string>): Promise<CommandRun> => {
    const result = await execa('npm', args, { cwd: project.dir, reject: false, all: true, env });
    return { exitCode: result.exitCode, output: String(result.all) };
  };
  const typecheck = await npm(['run', 'typecheck'], project.env);
  const tests = await npm(['test'], { ...project.env, CI: 'true', NO_COLOR: '1' });
  return { typecheck, tests };
}

export interface RunningServer {
  /** The canonical MCP URL (MCP_SERVER_URL), on localhost. */
  mcpUrl: string;
  /** Where to send requests: 127.0.0.1, so no IPv6 lookup is involved. */
  origin: string;
  port: number;
  /** The server process, for resource measurements. */
  pid: number;
  /** Everything the server printed (its JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built server of `project` with `env` over its `.env`, and waits until it answers.
 * `nodeArgs` go before the script (e.g. `--import` of a test-only probe).
 */
export async function startGeneratedServer(
  project: GeneratedProject,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<RunningServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const workers = project.framework === 'workers';
  let output = '';
  // Workers: `npm start` (wrangler dev) with a fresh Durable Object store each time, in its own process
  // group so that stopping it stops wrangler and workerd too.
  const persistTo = workers ? await mkdtemp(join(tmpdir(), 'wrangler-state-')) : undefined;
  const child: ResultPromise = workers
    ? execa('npm', ['start', '--', '--persist-to', persistTo!], {
        cwd: project.dir,
        reject: false,
        detached: true,
        env: {
          ...project.env,
          MCP_SERVER_URL: `http://localhost:${port}/mcp`,
          HOST: '127.0.0.1',
          ...env,
          PORT: String(port),
        },
      })
    : execa('node', [...nodeArgs, 'dist/index.js'], {
        cwd: project.dir,
        reject: false,
        env: { MCP_SERVER_URL: `http://localhost:${port}/mcp`, ...env, PORT: String(port) },
      });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  // wrangler bundles the Worker and starts workerd first: slower than a Node process, more so on a busy machine.
  await waitUntilUp(`${origin}/healthz`, () => output, child, workers ? 120_000 : 20_000);
  return {
    mcpUrl: env.MCP_SERVER_URL ?? `http://localhost:${port}/mcp`,
    origin,
    port,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (workers) process.kill(-child.pid!, 'SIGTERM');
      else child.kill('SIGTERM');
      await child;
      if (persistTo) await rm(persistTo, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(url: string, output: () => string, child: ResultPromise, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.finally(() => (exited = true));
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (exited) throw new Error(`The server exited before answering ${url}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
