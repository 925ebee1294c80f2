/**
 * Graceful shutdown, so a rolling deploy never cuts a tool call short. On SIGTERM or SIGINT:
 *   1. readiness turns 503 (load balancers that still probe stop sending new work);
 *   2. the listener stops accepting connections and idle keep-alive connections are closed;
 *   3. requests in flight finish, each answered with `Connection: close`, within SHUTDOWN_TIMEOUT_SECONDS;
 *   4. the process exits 0 once the last connection is closed, or 1 if time ran out and connections were cut.
 * A second signal exits at once, with 130 (SIGINT) or 143 (SIGTERM): an operator pressing Ctrl-C twice means it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Readiness } from './health.js';
import type { Logger } from './mcp-oauth/log.js';

export interface ShutdownOptions {
  timeoutSeconds: number;
  log: Logger;
  /** Where signals come from and how the process ends; tests pass their own. */
  signals?: { on(signal: NodeJS.Signals, listener: () => void): unknown };
  exit?: (code: number) => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Drains `server` on the first signal; the returned readiness is what `/readyz` reports. */
export function drainOnSignals(server: Server, options: ShutdownOptions): Readiness {
  const { timeoutSeconds, log, signals = process, exit = (code) => process.exit(code) } = options;
  const inFlight = new Set<ServerResponse>();
  let shuttingDown = false;

  // Runs before the app sees the request, so the app's own listeners never miss the bookkeeping.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (shuttingDown) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // The connection may now be idle: close it rather than wait for the keep-alive timeout.
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });
  });

  const shutdown = (signal: string) => {
    if (shuttingDown) {
      log('warn', 'shutdown_forced', { signal, in_flight: inFlight.size });
      exit(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    shuttingDown = true;
    log('info', 'shutdown_started', { signal, in_flight: inFlight.size, timeout_seconds: timeoutSeconds });
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const deadline = setTimeout(() => {
      log('warn', 'shutdown_timeout', { in_flight: inFlight.size });
      server.closeAllConnections();
      exit(1);
    }, timeoutSeconds * 1000);
    server.close(() => {
      clearTimeout(deadline);
      log('info', 'shutdown_complete');
      exit(0);
    });
    server.closeIdleConnections();
  };
  for (const signal of SIGNALS) signals.on(signal, () => shutdown(signal));

  return {
    get ready() {
      return !shuttingDown;
    },
  };
}
