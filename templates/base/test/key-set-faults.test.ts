/**
 * When Scalekit's key set misbehaves: requests are refused with a 401 challenge (never a hang, never a 500),
 * a failing key set is not asked again on every request, and it recovers by itself. Key rotation needs no
 * restart, and junk key ids cannot make the server hammer Scalekit.
 *
 * The key set's fetch timeout and retry window are shortened here (they are options of the key set), so
 * nothing waits for long; `npm run test:stress` checks the server's real ones (test/stress/key-set-timing.test.ts).
 */
import { decodeJwt, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScalekitKeySet, isKeySetUnavailable } from '../src/mcp-oauth/auth/key-set.js';
import { startFakeScalekit, type FakeScalekit } from './support/fake-scalekit.js';
import { foreignSigningKey, scalekitSigningKey, signToken } from './support/signing-keys.js';
import { initialize, mcpPost, RESOURCE_ID, startTestServer, type TestServer } from './support/test-server.js';

const FAULTS = {
  error: 'answering with a 500',
  hang: 'answering with nothing (hanging)',
  down: 'unreachable',
} as const;

/** Makes the fake key set misbehave in the given way; returns how to make it answer normally again. */
async function breakKeySet(scalekit: FakeScalekit, fault: keyof typeof FAULTS): Promise<() => Promise<void>> {
  if (fault === 'down') {
    await scalekit.goDown();
    return () => scalekit.comeBack();
  }
  scalekit.keySetMode = fault;
  return async () => void (scalekit.keySetMode = 'ok');
}

describe('the key set, with a 300 ms fetch timeout and a 300 ms retry window', () => {
  for (const [fault, description] of Object.entries(FAULTS) as [keyof typeof FAULTS, string][]) {
    it.concurrent(
      `fails within the timeout when it is ${description}, does not ask again at once, then recovers`,
      // Concurrent: the three wait at the same time. Each has its own fake and key set.
      async ({ expect, onTestFinished }) => {
        const key = await scalekitSigningKey();
        const scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
        onTestFinished(() => scalekit.close());
        const keys = createScalekitKeySet({
          url: new URL(`${scalekit.url}/keys`),
          cooldownMs: 0,
          timeoutMs: 300,
          retryAfterMs: 300,
        });
        const token = await signToken(key, { sub: 'usr_test' });
        const repair = await breakKeySet(scalekit, fault);

        const started = performance.now();
        const failure: unknown = await jwtVerify(token, keys).catch((error: unknown) => error);
        expect(isKeySetUnavailable(failure), String(failure)).toBe(true);
        expect(performance.now() - started).toBeLessThan(2_000);

        // Repaired, but inside the retry window: refused without a fetch, so requests never queue behind one.
        await repair();
        const fetches = scalekit.keyFetches();
        await expect(jwtVerify(token, keys)).rejects.toSatisfy(isKeySetUnavailable);
        expect(scalekit.keyFetches()).toBe(fetches);

        await new Promise((resolve) => setTimeout(resolve, 350));
        expect((await jwtVerify(token, keys)).payload.sub).toBe('usr_test');
      },
    );
  }
});

describe('the server, before any key set was fetched', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  for (const fault of ['error', 'down'] as const) {
    it(`refuses every request with a 401 challenge when the key set is ${FAULTS[fault]}`, async () => {
      await breakKeySet(server.scalekit, fault);
      const token = await server.token();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const refused = await mcpPost(server, initialize, { token });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      // The second request was refused without asking the failing key set again.
      if (fault === 'error') expect(server.scalekit.keyFetches()).toBe(1);
    });
  }
});

describe('the server, once the keys are known', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ env: { JWKS_COOLDOWN_SECONDS: '30' } });
    expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
  });
  afterEach(() => server.close());

  it('keeps accepting tokens with the cached keys while the key set is down', async () => {
    await server.scalekit.goDown();
    expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
  });

  it('does not turn a flood of unknown key ids into a flood of key-set fetches', async () => {
    const claims = decodeJwt(await server.token());
    const stranger = await foreignSigningKey('stranger');
    const before = server.scalekit.keyFetches();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const token = await signToken(stranger, claims, { kid: `random-${index}-${Math.random()}` });
        return (await mcpPost(server, initialize, { token })).status;
      }),
    );
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(server.scalekit.keyFetches() - before).toBeLessThanOrEqual(1);
  });
});

it('accepts a token signed with a rotated key, without a restart', async () => {
  const server = await startTestServer({ env: { JWKS_COOLDOWN_SECONDS: '0' } });
  try {
    expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
    const rotated = await foreignSigningKey('rotated-key');
    server.scalekit.keys.push(rotated);
    const token = await signToken(rotated, decodeJwt(await server.token()));
    expect((await mcpPost(server, initialize, { token })).status).toBe(200);
  } finally {
    await server.close();
  }
});
