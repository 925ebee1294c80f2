/**
 * When Scalekit's key set misbehaves: requests are refused with a 401 challenge within a bounded time
 * (never a hang, never a 500), and the server recovers by itself. Key rotation needs no restart, and junk
 * key ids cannot make the server hammer Scalekit.
 */
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSigningKey, signToken } from './support/signing-keys.js';
import { initialize, mcpPost, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
afterEach(() => server.close());

async function timed(
  action: () => Promise<Response>,
): Promise<{ status: number; ms: number; challenge: string | null }> {
  const started = performance.now();
  const response = await action();
  await response.arrayBuffer();
  return {
    status: response.status,
    ms: performance.now() - started,
    challenge: response.headers.get('www-authenticate'),
  };
}

describe('before any key set was fetched', () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  for (const fault of ['error', 'hang', 'down'] as const) {
    it(`refuses with 401 within a few seconds when the key set is ${fault === 'down' ? 'unreachable' : `answering with ${fault === 'error' ? 'a 500' : 'nothing (hanging)'}`}, then recovers`, async () => {
      if (fault === 'down') await server.scalekit.goDown();
      else server.scalekit.keySetMode = fault;
      const token = await server.token();

      const refused = await timed(() => mcpPost(server, initialize, { token }));
      expect(refused.status).toBe(401);
      expect(refused.challenge).toContain('error="invalid_token"');
      expect(refused.ms).toBeLessThan(4_000);
      // While it is failing, further requests are refused at once instead of each waiting for a timeout.
      const again = await timed(() => mcpPost(server, initialize, { token }));
      expect(again.status).toBe(401);
      expect(again.ms).toBeLessThan(500);

      if (fault === 'down') await server.scalekit.comeBack();
      else server.scalekit.keySetMode = 'ok';
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the fail-fast window
      expect((await mcpPost(server, initialize, { token })).status).toBe(200);
    }, 15_000);
  }
});

describe('once the keys are known', () => {
  beforeEach(async () => {
    server = await startTestServer({ env: { JWKS_COOLDOWN_SECONDS: '30' } });
    expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
  });

  it('keeps accepting tokens with the cached keys while the key set is down', async () => {
    await server.scalekit.goDown();
    expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
  });

  it('does not turn a flood of unknown key ids into a flood of key-set fetches', async () => {
    const claims = decodeJwt(await server.token());
    const stranger = await createSigningKey('stranger');
    const before = server.scalekit.keyFetches();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const token = await signToken(stranger, claims, { kid: `random-${index}-${Math.random()}` });
        return (await mcpPost(server, initialize, { token })).status;
      }),
    );
    expect(statuses.every((status) => status === 401)).toBe(true);
    const fetches = server.scalekit.keyFetches() - before;
    console.log(`200 tokens with random unknown kids caused ${fetches} key-set fetch(es)`);
    expect(fetches).toBeLessThanOrEqual(1);
  });
});

it('accepts a token signed with a rotated key, without a restart', async () => {
  server = await startTestServer({ env: { JWKS_COOLDOWN_SECONDS: '0' } });
  expect((await mcpPost(server, initialize, { token: await server.token() })).status).toBe(200);
  const rotated = await createSigningKey('rotated-key');
  server.scalekit.keys.push(rotated);
  const token = await signToken(rotated, decodeJwt(await server.token()));
  expect((await mcpPost(server, initialize, { token })).status).toBe(200);
});
