/**
 * The projects the integration fixture (global-setup.ts) scaffolded, and how to run their server.
 * The scopes carry hostile descriptions on purpose: every suite then also proves they stay data.
 */
import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import type { CliResult } from './cli.js';
import { freePort } from './ports.js';
import { HOSTILE_DESCRIPTIONS } from './project-config.js';

export type Framework = 'express' | 'hono';

export interface GeneratedProject {
  framework: Framework;
  dir: string;
  /** The scaffold run, for the suite that asserts on it. */
  cli: CliResult;
  /** `npm run build` succeeded, so `dist/index.js` can be started. */
  built: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    generatedProjects: Record<Framework, GeneratedProject>;
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

export function generatedProject(framework: Framework): GeneratedProject {
  const project = inject('generatedProjects')[framework];
  if (!project.built) throw new Error(`The ${framework} fixture did not scaffold and build:\n${project.cli.all}`);
  return project;
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
  let output = '';
  const child: ResultPromise = execa('node', [...nodeArgs, 'dist/index.js'], {
    cwd: project.dir,
    reject: false,
    env: { MCP_SERVER_URL: `http://localhost:${port}/mcp`, ...env, PORT: String(port) },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${origin}/healthz`, () => output, child);
  return {
    mcpUrl: env.MCP_SERVER_URL ?? `http://localhost:${port}/mcp`,
    origin,
    port,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
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
