/**
 * The verified-token cache: a token that verified is not verified again until it expires (or the cache's
 * own limit passes), and nothing else is ever served from the cache: not an expired token, not a failed
 * one, not another token carrying the same claims.
 */
import type { AuthInfo, OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { createLocalJWKSet, decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { cachingTokenVerifier } from '../src/mcp-oauth/auth/token-cache.js';
import { createScalekitTokenVerifier } from '../src/mcp-oauth/auth/token-verifier.js';
import { foreignSigningKey, scalekitSigningKey, signToken } from './support/signing-keys.js';

const T0 = Date.UTC(2030, 0, 1);
const seconds = (ms: number) => Math.floor(ms / 1000);

/** A verifier that accepts tokens named `valid-…` until `expiresAt`, and counts its calls. */
function countingVerifier(expiresAt = seconds(T0) + 3600): OAuthTokenVerifier & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      calls.push(token);
      if (!token.startsWith('valid-')) throw new Error('invalid token');
      return { token, clientId: 'client', scopes: ['todo:read'], expiresAt, extra: { subject: 'usr_1' } };
    },
  };
}

let clock: number;
const now = () => clock;
beforeEach(() => {
  clock = T0;
});

describe('a token that verified', () => {
  it('is served from the cache on the next request, with the same caller and the presented token', async () => {
    const inner = countingVerifier();
    const verifier = cachingTokenVerifier(inner, { now });
    const first = await verifier.verifyAccessToken('valid-a');
    clock += 1_000;
    const second = await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toEqual(['valid-a']);
    expect(second).toEqual(first);
    expect(second.token).toBe('valid-a');
  });

  it('gives every request its own copy of the caller', async () => {
    const verifier = cachingTokenVerifier(countingVerifier(), { now });
    await verifier.verifyAccessToken('valid-a');
    const tampered = await verifier.verifyAccessToken('valid-a');
    tampered.scopes.push('todo:write');
    (tampered.extra as Record<string, unknown>).subject = 'usr_evil';
    const next = await verifier.verifyAccessToken('valid-a');
    expect(next.scopes).toEqual(['todo:read']);
    expect(next.extra).toEqual({ subject: 'usr_1' });
  });

  it('is never served once it has expired: it goes back to the verifier', async () => {
    const expiresAt = seconds(T0) + 30;
    const inner = countingVerifier(expiresAt);
    const verifier = cachingTokenVerifier(inner, { now, maxAgeMs: 600_000 });
    await verifier.verifyAccessToken('valid-a');
    clock = expiresAt * 1000 - 1;
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toHaveLength(1);
    clock = expiresAt * 1000;
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toHaveLength(2);
  });

  it('is verified again after maxAgeMs even when it is valid for longer', async () => {
    const inner = countingVerifier(seconds(T0) + 3600);
    const verifier = cachingTokenVerifier(inner, { now, maxAgeMs: 60_000 });
    await verifier.verifyAccessToken('valid-a');
    clock = T0 + 59_999;
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toHaveLength(1);
    clock = T0 + 60_000;
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toHaveLength(2);
  });

  it('is not cached when it is already past its expiry (the SDK then refuses it)', async () => {
    const inner = countingVerifier(seconds(T0) - 5);
    const verifier = cachingTokenVerifier(inner, { now });
    await verifier.verifyAccessToken('valid-a');
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toHaveLength(2);
  });
});

describe('what is never cached', () => {
  it('a token that failed: it is verified (and refused) every time', async () => {
    const inner = countingVerifier();
    const verifier = cachingTokenVerifier(inner, { now });
    await expect(verifier.verifyAccessToken('junk')).rejects.toThrow('invalid token');
    await expect(verifier.verifyAccessToken('junk')).rejects.toThrow('invalid token');
    expect(inner.calls).toEqual(['junk', 'junk']);
  });

  it('a different token carrying the same claims: a forged signature is refused although the real token is cached', async () => {
    const trusted = await scalekitSigningKey();
    const stranger = await foreignSigningKey(trusted.kid); // same kid, different key: a forgery
    const verifier = cachingTokenVerifier(
      createScalekitTokenVerifier({
        keys: createLocalJWKSet({ keys: [trusted.publicJwk] }),
        issuers: ['https://acme.scalekit.test'],
        resourceId: 'res_1',
        serverUrl: new URL('https://mcp.example.test/mcp'),
        serverUrlInAudience: false,
      }),
    );
    const claims = { iss: 'https://acme.scalekit.test', aud: 'res_1', sub: 'usr_1', exp: seconds(Date.now()) + 300 };
    const genuine = await signToken(trusted, claims);
    const forged = await signToken(stranger, claims);
    expect(decodeJwt(forged)).toEqual(decodeJwt(genuine));

    expect((await verifier.verifyAccessToken(genuine)).extra?.subject).toBe('usr_1');
    await expect(verifier.verifyAccessToken(forged)).rejects.toThrow(/signature/i);
    // And the genuine token is still served (the failure did not disturb its entry).
    expect((await verifier.verifyAccessToken(genuine)).token).toBe(genuine);
  });
});

describe('its size', () => {
  it('is capped: beyond maxEntries the least recently used token is dropped', async () => {
    const inner = countingVerifier();
    const verifier = cachingTokenVerifier(inner, { now, maxEntries: 2 });
    await verifier.verifyAccessToken('valid-a');
    await verifier.verifyAccessToken('valid-b');
    await verifier.verifyAccessToken('valid-a'); // a is now the most recently used
    await verifier.verifyAccessToken('valid-c'); // evicts b
    inner.calls.length = 0;
    await verifier.verifyAccessToken('valid-a');
    await verifier.verifyAccessToken('valid-c');
    expect(inner.calls).toEqual([]);
    await verifier.verifyAccessToken('valid-b');
    expect(inner.calls).toEqual(['valid-b']);
  });

  it('does not grow with junk: failed tokens take no slot and do not evict valid ones', async () => {
    const inner = countingVerifier();
    const verifier = cachingTokenVerifier(inner, { now, maxEntries: 1 });
    await verifier.verifyAccessToken('valid-a');
    for (let index = 0; index < 50; index += 1)
      await expect(verifier.verifyAccessToken(`junk-${index}`)).rejects.toThrow();
    inner.calls.length = 0;
    await verifier.verifyAccessToken('valid-a');
    expect(inner.calls).toEqual([]);
  });
});
