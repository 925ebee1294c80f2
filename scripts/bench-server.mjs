// `npm run bench:server`: what OAuth costs the generated server per request.
//
// For each framework: scaffold with the built CLI, install and build (cached in .tmp/bench/, see
// bench/projects.mjs), then fork bench/server-runner.mjs, which serves three copies of the app: as shipped,
// verifying tokens against a local key set ("auth"); the same without its verified-token cache ("auth, no
// cache"); and with authentication bypassed ("baseline"). This process drives them with autocannon over
// loopback: 2025-era stateless POSTs of `tools/list` and `tools/call` (whoami) with a valid bearer token.
//
// Two load shapes per call:
// - throughput: --connections (default 10) concurrent connections, the server saturated: requests per
//   second, and the server's CPU time per request (measured in the runner, so it is not inflated by
//   waiting for a core the way wall time is on a busy machine);
// - latency: one connection, nothing queued: p50 and p99 are what a request costs, not how long it waited
//   behind nine others (at saturation, p99 is mostly queueing and GC pauses; it is printed too).
// Variants alternate in short rounds so that drift on the machine hits all of them alike; each case pools
// its rounds. Latencies come from every response's own timing (autocannon's histogram is whole ms).
//
// Cloudflare Workers ("workers": Hono with --deploy workers) runs the same three variants, each under its own
// `wrangler dev` (workerd) with Node 22 from the test tool cache (bench/worker-runner.mjs); its CPU column
// is wrangler's and workerd's CPU time.
//
// Options: --duration S (measured seconds per case and shape, default 8), --rounds N (default 4), --warmup S
// (default 2), --connections N (default 10), --framework express|hono|workers (repeatable; default all three),
// --no-footprint (skip the dependency report).
// Targets (from the product issue), for the server as shipped: ≥ 90% of baseline throughput, ≤ 1 ms added
// at p99, exactly one key-set fetch for the whole run. Exit code 1 when one is missed.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { BENCH_RESOURCE_ID, prepareProject, projectFootprint } from './bench/projects.mjs';
import { ensureNodeBinDir, NODE_22, withNode } from './tool-cache.mjs';
import { fixed, loadNow, percentile, table, verdict } from './bench/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNNER = fileURLToPath(new URL('./bench/server-runner.mjs', import.meta.url));
const WORKER_RUNNER = fileURLToPath(new URL('./bench/worker-runner.mjs', import.meta.url));
const MIN_THROUGHPUT_RATIO = 0.9;
const MAX_P99_DELTA_MS = 1;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    framework: { type: 'string', multiple: true },
    'no-footprint': { type: 'boolean', default: false },
  },
});
const durationSeconds = Number(values.duration);
const rounds = Number(values.rounds);
const warmupSeconds = Number(values.warmup);
const connections = Number(values.connections);
const frameworks = values.framework ?? ['express', 'hono', 'workers'];
for (const framework of frameworks)
  if (!['express', 'hono', 'workers'].includes(framework))
    throw new Error(`--framework must be express, hono or workers, not ${framework}`);
if (!(
  durationSeconds > 0 &&
  Number.isInteger(rounds) &&
  rounds > 0 &&
  warmupSeconds >= 0 &&
  Number.isInteger(connections) &&
  connections > 0
)) {
  throw new Error('--duration and --warmup are seconds, --rounds and --connections positive integers');
}

const CALLS = {
  'tools/list': { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
  'tools/call whoami': { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
};
const VARIANTS = ['baseline', 'auth', 'authNoCache'];
const LABELS = { baseline: 'baseline (no auth)', auth: 'auth (as shipped)', authNoCache: 'auth, no token cache' };
const SHAPES = { throughput: connections, latency: 1 };

const log = (line) => console.error(`· ${line}`);
const results = [];
const footprints = [];
/** Load average when the first measurement starts (installs and builds come before). */
let loadBefore;
let failed = false;

for (const framework of frameworks) {
  const workers = framework === 'workers';
  // wrangler needs Node >= 22.12: Node 22 from the tool cache the tests use, first on PATH.
  const env = workers ? await withNode(NODE_22) : process.env;
  const projectDir = await prepareProject({ root: ROOT, framework, log, env });
  if (!values['no-footprint'])
    footprints.push({ framework, ...(await projectFootprint({ root: ROOT, framework, projectDir, log, env })) });

  const runner = fork(workers ? WORKER_RUNNER : RUNNER, [projectDir], {
    env: {
      ...process.env,
      BENCH_RESOURCE_ID,
      ...(workers && { BENCH_NODE: path.join(await ensureNodeBinDir(NODE_22), 'node') }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = async (type) => {
    runner.send({ type });
    for (;;) {
      const [message] = await once(runner, 'message');
      if (message.type === type) return message;
    }
  };
  try {
    const [{ servers }] = await Promise.race([
      once(runner, 'message'),
      once(runner, 'exit').then(([code]) =>
        Promise.reject(new Error(`the server runner for ${framework} exited (${code}) before it was ready`)),
      ),
    ]);
    await checkServers(servers);
    loadBefore ??= loadNow();

    for (const [call, body] of Object.entries(CALLS)) {
      log(
        `${framework} ${call}: ${rounds} rounds × ${Object.keys(SHAPES).length} ` +
          `shapes × (${VARIANTS.join(', ')}), ${fixed(durationSeconds / rounds)} s each`,
      );
      for (const variant of VARIANTS) await load(servers[variant], body, warmupSeconds, connections);
      const pools = {};
      for (let round = 0; round < rounds; round += 1) {
        for (const [shape, shapeConnections] of Object.entries(SHAPES)) {
          for (const variant of VARIANTS) {
            const before = (await ask('cpu')).micros;
            const run = await load(servers[variant], body, durationSeconds / rounds, shapeConnections);
            run.cpuMicros = (await ask('cpu')).micros - before;
            addTo((pools[`${shape}/${variant}`] ??= emptyPool()), run);
          }
        }
      }
      const summary = (shape) =>
        Object.fromEntries(VARIANTS.map((variant) => [variant, summarize(pools[`${shape}/${variant}`])]));
      results.push({ framework, call, throughput: summary('throughput'), latency: summary('latency') });
    }

    const { jwksFetches } = await ask('stats');
    for (const result of results) if (result.framework === framework) result.jwksFetches = jwksFetches;
  } finally {
    runner.kill();
  }
}

const signed = (value, digits = 2) => `${value >= 0 ? '+' : ''}${fixed(value, digits)}`;
console.log(
  `\ncreate-mcp-oauth server benchmark — Node ${process.version}, ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()}`,
);
console.log(
  `autocannon over loopback; ${durationSeconds} s per case in ` +
    `${rounds} alternating rounds after ${warmupSeconds} s warm-up`,
);
console.log(
  `load average before/after: ${loadBefore} / ${loadNow()} (other work on the machine inflates every number)\n`,
);

console.log(`Throughput: ${connections} connections (saturated)`);
console.log(
  table(
    ['framework', 'call', 'server', 'req/s', '× baseline', 'CPU µs/req', 'Δ CPU µs', 'p99 ms', 'JWKS fetches'],
    results.flatMap((result) =>
      VARIANTS.map((variant) => {
        const run = result.throughput[variant];
        const base = result.throughput.baseline;
        const isBaseline = variant === 'baseline';
        return [
          result.framework,
          result.call,
          LABELS[variant],
          fixed(run.rps, 0),
          isBaseline ? '' : fixed(run.rps / base.rps, 3),
          fixed(run.cpuPerRequest, 0),
          isBaseline ? '' : signed(run.cpuPerRequest - base.cpuPerRequest, 0),
          fixed(run.p99, 2),
          result.jwksFetches[variant],
        ];
      }),
    ),
  ),
);

console.log('\nLatency: 1 connection (nothing queued)');
console.log(
  table(
    ['framework', 'call', 'server', 'p50 ms', 'p99 ms', 'p99 Δ ms'],
    results.flatMap((result) =>
      VARIANTS.map((variant) => {
        const run = result.latency[variant];
        return [
          result.framework,
          result.call,
          LABELS[variant],
          fixed(run.p50, 3),
          fixed(run.p99, 3),
          variant === 'baseline' ? '' : signed(run.p99 - result.latency.baseline.p99, 3),
        ];
      }),
    ),
  ),
);

console.log('\nTargets (auth as shipped vs baseline)');
for (const { framework, call, throughput, latency } of results) {
  const ratio = throughput.auth.rps / throughput.baseline.rps;
  const delta = latency.auth.p99 - latency.baseline.p99;
  check(
    ratio >= MIN_THROUGHPUT_RATIO,
    `${framework} ${call}: throughput ${fixed(throughput.auth.rps, 0)} / ` +
      `${fixed(throughput.baseline.rps, 0)} req/s = ${fixed(ratio * 100, 1)}% ≥ ${MIN_THROUGHPUT_RATIO * 100}%`,
  );
  check(
    delta <= MAX_P99_DELTA_MS,
    `${framework} ${call}: p99 ${fixed(latency.auth.p99, 3)} − ` +
      `${fixed(latency.baseline.p99, 3)} ms = ${signed(delta, 3)} ms ≤ ${MAX_P99_DELTA_MS} ms`,
  );
}
for (const framework of frameworks) {
  const fetches = results.find((result) => result.framework === framework)?.jwksFetches.auth;
  check(fetches === 1, `${framework}: ${fetches} JWKS fetch(es) for the whole run, expected exactly 1`);
}

console.log('\nWhat the verified-token cache saves (auth, no token cache → auth as shipped)');
for (const { framework, call, throughput, latency } of results) {
  const [cold, warm] = [throughput.authNoCache, throughput.auth];
  console.log(
    `  ${framework} ${call}: ${fixed(cold.rps, 0)} → ${fixed(warm.rps, 0)} req/s, ` +
      `CPU ${fixed(cold.cpuPerRequest, 0)} → ${fixed(warm.cpuPerRequest, 0)} µs/req, ` +
      `1-connection p50 ${fixed(latency.authNoCache.p50, 3)} → ${fixed(latency.auth.p50, 3)} ms`,
  );
}

if (footprints.length > 0) {
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    '\nGenerated project footprint (npm ls --all --parseable, without the project itself; du -sk node_modules)',
  );
  console.log(
    table(
      ['framework', 'prod packages', 'all packages', 'prod node_modules (npm ci --omit=dev)', 'full node_modules'],
      footprints.map((f) => [
        f.framework,
        f.productionPackages,
        f.allPackages,
        mib(f.productionBytes),
        mib(f.fullBytes),
      ]),
    ),
  );
}
if (failed) process.exitCode = 1;

function check(passed, text) {
  if (!passed) failed = true;
  console.log(verdict(passed, text));
}

function requestFor(body, { token }) {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  };
}

/** Before measuring: every server answers the calls correctly, and the two auth servers do check tokens. */
async function checkServers(servers) {
  for (const [variant, server] of Object.entries(servers)) {
    for (const [call, body] of Object.entries(CALLS)) {
      const response = await fetch(server.url, requestFor(body, server));
      const text = await response.text();
      if (response.status !== 200 || !/"result"/.test(text) || /"isError":true/.test(text)) {
        throw new Error(`${variant} server answered ${call} with ${response.status}: ${text.slice(0, 300)}`);
      }
    }
    if (variant === 'baseline') continue;
    const forged = `${server.token.slice(0, -4)}AAAA`; // same claims, broken signature
    for (const token of ['', forged]) {
      const response = await fetch(server.url, requestFor(CALLS['tools/list'], { token }));
      await response.arrayBuffer();
      if (response.status !== 401)
        throw new Error(
          `${variant} server answered ${token ? 'a forged' : 'no'} token with ${response.status}, not 401`,
        );
    }
  }
}

/** One autocannon run; every response's latency is kept (autocannon's own histogram is whole milliseconds). */
async function load(server, body, seconds, connectionCount) {
  const latencies = [];
  let unexpected = 0;
  const instance = autocannon({
    url: server.url,
    connections: connectionCount,
    duration: seconds,
    ...requestFor(body, server),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode === 200) latencies.push(responseTimeMs);
    else unexpected += 1;
  });
  const result = await instance;
  if (unexpected > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${server.url}: ${unexpected} non-200 answers, ${result.errors} ` +
        `errors, ${result.timeouts} timeouts — the numbers would be meaningless`,
    );
  }
  return { latencies, seconds: result.duration };
}

function emptyPool() {
  return { latencies: [], seconds: 0, cpuMicros: 0 };
}

function addTo(pool, run) {
  for (const latency of run.latencies) pool.latencies.push(latency);
  pool.seconds += run.seconds;
  pool.cpuMicros += run.cpuMicros;
}

function summarize(pool) {
  const requests = pool.latencies.length;
  return {
    rps: requests / pool.seconds,
    cpuPerRequest: pool.cpuMicros / requests,
    p50: percentile(pool.latencies, 0.5),
    p99: percentile(pool.latencies, 0.99),
  };
}
