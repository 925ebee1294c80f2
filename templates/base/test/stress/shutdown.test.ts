/**
 * Graceful shutdown of the real entry point (src/index.ts in its own process, real signals): a tool call in
 * flight when SIGTERM arrives completes, new connections are refused, and the process exits 0 well within
 * SHUTDOWN_TIMEOUT_SECONDS; a request that outlasts the limit is cut at the limit; a second signal exits at once.
 * test/shutdown.test.ts checks the same in this process, in a fraction of the time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeScalekit, type FakeScalekit } from '../support/fake-scalekit.js';
import { expectNoNewConnections, startToolCall, untilKeyFetchStarted } from '../support/in-flight.js';
import { createSigningKey, signToken } from '../support/signing-keys.js';
import { RESOURCE_ID } from '../support/test-server.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface RunningServer {
  child: ChildProcess;
  origin: string;
  scalekit: FakeScalekit;
  token: string;
  /** Resolves with the first log line with this event. */
  logged(event: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; at: number }>;
}

const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGKILL');
    await server.scalekit.close();
  }
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startServer(shutdownTimeoutSeconds: number): Promise<RunningServer> {
  const key = await createSigningKey('shutdown-key');
  const scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      SCALEKIT_ENVIRONMENT_URL: scalekit.url,
      SCALEKIT_RESOURCE_ID: RESOURCE_ID,
      MCP_SERVER_URL: `${origin}/mcp`,
      PORT: String(port),
      SHUTDOWN_TIMEOUT_SECONDS: String(shutdownTimeoutSeconds),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiting: Array<{ event: string; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffered = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    for (const text of complete) {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const waiter of waiting.filter((candidate) => candidate.event === line.event)) waiter.resolve(line);
    }
  });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, at: Date.now() }));
  const logged = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find((line) => line.event === event);
      if (seen) return resolve(seen);
      waiting.push({ event, resolve });
      void exited.then(() => reject(new Error(`exited before logging ${event}: ${JSON.stringify(lines)}`)));
    });
  const now = Math.floor(Date.now() / 1000);
  const token = await signToken(key, {
    iss: `${scalekit.url}/resources/${RESOURCE_ID}`,
    aud: [RESOURCE_ID],
    sub: 'usr_shutdown',
    client_id: 'client_shutdown',
    exp: now + 300,
  });
  const server = { child, origin, scalekit, token, logged, exited };
  running.push(server);
  await logged('listening');
  return server;
}

describe('on SIGTERM', () => {
  it('finishes the call in flight, refuses new connections, and exits 0 within the limit', async () => {
    const server = await startServer(10);
    server.scalekit.keySetDelayMs = 1_500;
    const call = startToolCall(server.origin, server.token);
    await untilKeyFetchStarted(server.scalekit); // the call is inside the server now
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.logged('shutdown_started')).toMatchObject({ signal: 'SIGTERM', in_flight: 1 });

    await expectNoNewConnections(`${server.origin}/healthz`);
    const result = await call;
    expect(result.status).toBe(200);
    expect(result.result.tools).toEqual(expect.any(Array));

    const { code, at } = await server.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000); // SHUTDOWN_TIMEOUT_SECONDS; exit code 0 says it drained
  });

  it('cuts a request that outlasts SHUTDOWN_TIMEOUT_SECONDS at the limit', async () => {
    const server = await startServer(1);
    server.scalekit.keySetMode = 'hang';
    const call = startToolCall(server.origin, server.token).catch((error: unknown) => error);
    await untilKeyFetchStarted(server.scalekit);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    expect(code).toBe(1);
    expect(at - signalledAt).toBeGreaterThanOrEqual(900);
    expect(at - signalledAt).toBeLessThan(3_000);
    expect(await call).toBeInstanceOf(Error);
  });

  it('exits at once on a second signal', async () => {
    const server = await startServer(10);
    server.scalekit.keySetMode = 'hang';
    void startToolCall(server.origin, server.token).catch(() => undefined);
    await untilKeyFetchStarted(server.scalekit);
    server.child.kill('SIGTERM');
    await server.logged('shutdown_started');
    const signalledAt = Date.now();
    server.child.kill('SIGINT');
    const { code, at } = await server.exited;
    expect(code).toBe(130);
    expect(at - signalledAt).toBeLessThan(1_000);
  });
});
