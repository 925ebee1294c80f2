// The generated Cloudflare Worker under test (`--deploy workers`), forked by scripts/bench-server.mjs like
// server-runner.mjs and answering the same messages. Each variant is its own `wrangler dev` (workerd) on
// 127.0.0.1, run with the Node 22 wrangler needs (BENCH_NODE), with its own local key set:
//   - "auth": the project's app as src/index.ts builds it, as deployed, but with a silent logger like the other
//     two (the Node runner does the same): a tool call's audit line goes through wrangler dev's log pipe, which
//     costs ~3 ms of CPU per call and would be charged to authentication;
//   - "authNoCache": the same app without the verified-token cache;
//   - "baseline": the project's MCP endpoint on Hono without the OAuth module, handing every request a fixed caller.
// The variants get a small entry written into the bench copy of the project
// (.tmp/bench/workers/bench-entries/, never part of a scaffold). CPU time is that of every process under
// this one (wrangler and workerd), read from /proc.
//
// Usage (via fork): worker-runner.mjs <absolute project dir>
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RESOURCE_ID, serveDriver, startKeySet, tokenFor, unverifiedAuthInfo } from './bench-auth.mjs';

const projectDir = process.argv[2];
const node = process.env.BENCH_NODE;
if (!projectDir || !path.isAbsolute(projectDir) || !node)
  throw new Error('usage: BENCH_NODE=<node 22> worker-runner.mjs <absolute project dir>');

const ENTRIES = path.join(projectDir, 'bench-entries');
await mkdir(ENTRIES, { recursive: true });

/** An entry like src/index.ts that serves `app` (TypeScript source of an expression, given `config` and `todos`). */
async function writeEntry(name, app) {
  const file = path.join(ENTRIES, `${name}.ts`);
  await writeFile(
    file,
    `import { Hono } from 'hono';
import { createApp } from '../src/app.js';
import { createMcpEndpoint } from '../src/mcp/server.js';
import { loadConfig } from '../src/mcp-oauth/config.js';
import { silentLogger } from '../src/mcp-oauth/log.js';
import { DurableObjectTodoStore } from '../src/todos/durable-object.js';
export { UserTodos } from '../src/todos/durable-object.js';

let app: { fetch: ExportedHandlerFetchHandler<Env> } | undefined;
export default {
  fetch(request, env, ctx) {
    const vars = Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const config = loadConfig(vars);
    const todos = new DurableObjectTodoStore(env.USER_TODOS);
    app ??= ${app};
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
`,
  );
  return file;
}

const children = [];
const stateDirs = [];

async function startWorker(entry) {
  const keySet = await startKeySet();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bench-wrangler-'));
  stateDirs.push(stateDir);
  const vars = {
    SCALEKIT_ENVIRONMENT_URL: keySet.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: url,
    MCP_SERVER_URL_IN_AUDIENCE: 'false',
    JWKS_COOLDOWN_SECONDS: '30',
  };
  const args = [
    path.join(projectDir, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
    'dev',
    ...(entry ? [entry] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    stateDir,
    '--log-level',
    'error',
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = spawn(node, args, {
    cwd: projectDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  });
  children.push(child);
  await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
  return { url, keySet, issuer: `${keySet.url}/resources/${RESOURCE_ID}` };
}

const auth = await startWorker(
  await writeEntry('auth', 'createApp(config, { log: silentLogger, toolDependencies: { todos } })'),
);
const authNoCache = await startWorker(
  await writeEntry(
    'auth-no-cache',
    'createApp(config, { log: silentLogger, tokenCache: false, toolDependencies: { todos } })',
  ),
);
// The same MCP endpoint on Hono with no OAuth module: every request gets the caller the verifier would
// produce for the bench token, with this server's URL.
const callerSource = `{ ...${JSON.stringify(unverifiedAuthInfo(undefined))}, resource: config.mcpServerUrl }`;
const baseline = await startWorker(
  await writeEntry(
    'baseline',
    `((mcp) => new Hono()
      .get('/healthz', (c) => c.json({ status: 'ok' }))
      .all(config.mcpPath, (c) => mcp.fetch(c.req.raw, { authInfo: ${callerSource} })))(
      createMcpEndpoint(silentLogger, { todos }),
    )`,
  ),
);

const apps = { baseline, auth, authNoCache };
const servers = {};
for (const [name, app] of Object.entries(apps)) servers[name] = { url: app.url, token: await tokenFor(app) };

// However this process ends (the driver kills it when done), the wrangler processes and their state go too.
const cleanUp = () => {
  for (const child of children) child.kill('SIGTERM');
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanUp);
process.on('SIGTERM', () => process.exit(0));
serveDriver(apps, servers, () => descendantsCpuMicros(process.pid));

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system, µs) of every process below `root` (wrangler, workerd), from /proc (Linux only). */
function descendantsCpuMicros(root) {
  const stats = procStats();
  const childrenOf = new Map();
  for (const stat of stats.values()) {
    if (!childrenOf.has(stat.ppid)) childrenOf.set(stat.ppid, []);
    childrenOf.get(stat.ppid).push(stat.pid);
  }
  let ticks = 0;
  const queue = [...(childrenOf.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.pop();
    const stat = stats.get(pid);
    if (!stat) continue;
    ticks += stat.ticks;
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return (ticks / TICKS_PER_SECOND) * 1e6;
}

function procStats() {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    // Fields after the command name (which may hold spaces), see proc(5): state ppid ... utime(14) stime(15).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(entry), {
      pid: Number(entry),
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    });
  }
  return stats;
}

async function waitForHealth(url, child) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}) before answering ${url}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within 180 s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
