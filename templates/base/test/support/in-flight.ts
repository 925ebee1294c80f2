/**
 * For the shutdown tests: a call that is inside the server when the signal arrives. It is slow for a real
 * reason: the first request waits for Scalekit's key set, which the fake serves slowly (or never).
 */
import { expect } from 'vitest';
import type { FakeScalekit } from './fake-scalekit.js';
import { rpcResult } from './test-server.js';

/** A tools/list (every server has it, whatever its tools) that starts now; resolves with its status and result. */
export function startToolCall(origin: string, token: string) {
  return fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  }).then(async (response) => ({ status: response.status, ...(await rpcResult(response)) }));
}

/** Resolves once the server asked for the key set: the call is inside the server now. */
export async function untilKeyFetchStarted(scalekit: FakeScalekit): Promise<void> {
  while (scalekit.keyFetches() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A new connection to `url` fails: refused once the listener is closed, or reset when it raced the close
 * (both mean the server took no new work).
 */
export async function expectNoNewConnections(url: string): Promise<void> {
  const error: unknown = await fetch(url).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error, 'the request was answered').toBeInstanceOf(Error);
  expect(['ECONNREFUSED', 'ECONNRESET']).toContain((error as { cause?: { code?: string } }).cause?.code);
}
