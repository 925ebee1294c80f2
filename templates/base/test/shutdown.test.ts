/**
 * Graceful shutdown (src/shutdown.ts) of the real app on a real listener, in this process, with the signals
 * and the exit passed in: a tool call in flight when SIGTERM arrives completes, new connections are refused,
 * and shutdown ends with exit code 0; a request that outlasts the limit is cut at the limit (exit code 1); a
 * second signal exits at once. `npm run test:stress` runs the entry point in its own process with real signals
 * (test/stress/shutdown.test.ts).
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/mcp-oauth/config.js';
import { MAX_HEADER_BYTES } from '../src/mcp-oauth/limits.js';
import { createRequestListener } from '../src/server.js';
import { drainOnSignals } from '../src/shutdown.js';
import { startFakeScalekit, type FakeScalekit } from './support/fake-scalekit.js';
import { expectNoNewConnections, startToolCall, untilKeyFetchStarted } from './support/in-flight.js';
import { scalekitSigningKey, signToken } from './support/signing-keys.js';
import { captureLogs, RESOURCE_ID } from './support/test-server.js';

interface DrainingServer {
  origin: string;
  scalekit: FakeScalekit;
  token: string;
  signals: EventEmitter;
  logs: ReturnType<typeof captureLogs>['lines'];
  /** The first exit code shutdown asked for, and when. */
  exited: Promise<{ code: number; at: number }>;
}

const started: Array<{ server: Server; scalekit: FakeScalekit }> = [];
afterEach(async () => {
  for (const { server, scalekit } of started.splice(0)) {
    server.closeAllConnections();
    server.close();
    await scalekit.close();
  }
});

/** The app as src/index.ts serves it, draining on the signals this test emits. */
async function startServer(timeoutSeconds: number): Promise<DrainingServer> {
  const key = await scalekitSigningKey();
  const scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  started.push({ server, scalekit });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    SCALEKIT_ENVIRONMENT_URL: scalekit.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: `${origin}/mcp`,
  });
  const signals = new EventEmitter();
  const { log, lines } = captureLogs();
  let exit!: (code: number) => void;
  const exited = new Promise<{ code: number; at: number }>((resolve) => {
    exit = (code) => resolve({ code, at: Date.now() });
  });
  const readiness = drainOnSignals(server, { timeoutSeconds, log, signals, exit });
  server.on('request', createRequestListener(config, { log, readiness }));
  const token = await signToken(key, {
    iss: config.scalekit.authorizationServer,
    aud: [RESOURCE_ID],
    sub: 'usr_shutdown',
    client_id: 'client_shutdown',
    exp: Math.floor(Date.now() / 1000) + 300,
  });
  return { origin, scalekit, token, signals, logs: lines, exited };
}

describe('on SIGTERM', () => {
  it('finishes the call in flight, refuses new connections, and exits 0', async () => {
    const server = await startServer(10);
    server.scalekit.keySetDelayMs = 300;
    const call = startToolCall(server.origin, server.token);
    await untilKeyFetchStarted(server.scalekit); // the call is inside the server now
    server.signals.emit('SIGTERM');
    expect(server.logs.find((line) => line.event === 'shutdown_started')).toMatchObject({
      signal: 'SIGTERM',
      in_flight: 1,
    });

    await expectNoNewConnections(`${server.origin}/healthz`);
    const result = await call;
    expect(result.status).toBe(200);
    expect(result.result.tools).toEqual(expect.any(Array));
    expect((await server.exited).code).toBe(0);
  });

  it('cuts a request that outlasts the limit at the limit, and exits 1', async () => {
    const server = await startServer(0.3);
    server.scalekit.keySetMode = 'hang';
    const call = startToolCall(server.origin, server.token).catch((error: unknown) => error);
    await untilKeyFetchStarted(server.scalekit);
    const signalledAt = Date.now();
    server.signals.emit('SIGTERM');
    const { code, at } = await server.exited;
    expect(code).toBe(1);
    expect(at - signalledAt).toBeGreaterThanOrEqual(250);
    expect(await call).toBeInstanceOf(Error);
  });

  it('exits at once on a second signal', async () => {
    const server = await startServer(10);
    server.scalekit.keySetMode = 'hang';
    void startToolCall(server.origin, server.token).catch(() => undefined);
    await untilKeyFetchStarted(server.scalekit);
    server.signals.emit('SIGTERM');
    server.signals.emit('SIGINT');
    expect((await server.exited).code).toBe(130);
    expect(server.logs.map((line) => line.event)).toEqual(
      expect.arrayContaining(['shutdown_started', 'shutdown_forced']),
    );
  });
});
