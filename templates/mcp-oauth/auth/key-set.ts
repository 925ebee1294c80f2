/**
 * Scalekit's signing keys, fetched from `<env>/keys` by jose on first use and cached.
 *
 * jose refetches when a token names an unknown `kid` (key rotation), at most once per cooldown, so a flood
 * of junk tokens cannot turn into a flood of fetches. This wrapper adds what an outage needs:
 * - stale-if-error: when a refetch fails, keep verifying with the last key set we had;
 * - fail fast: after a failed fetch, do not fetch again for `retryAfterMs` (requests use the cached keys, or
 *   are refused at once when there are none) instead of making every request wait for another timeout;
 *   then try again, so the server recovers without a restart.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface KeySetOptions {
  url: URL;
  /** Upper bound on one fetch, so a hanging key set cannot hold requests for long. */
  timeoutMs?: number;
  /** Minimum time between refetches caused by an unknown `kid`. */
  cooldownMs: number;
  /** After a failed fetch, how long to rely on the cached keys (or refuse) before fetching again. */
  retryAfterMs?: number;
}

export function createScalekitKeySet(options: KeySetOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(options.url, {
    timeoutDuration: options.timeoutMs ?? 3_000,
    cooldownDuration: options.cooldownMs,
  });
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  let failingUntil = 0;
  let lastGood: { jwks: JSONWebKeySet; getKey: JWTVerifyGetKey } | undefined;

  /** The last key set fetched successfully, as a local (no network) key getter. */
  function cachedKeys(): JWTVerifyGetKey | undefined {
    const jwks = remote.jwks();
    if (!jwks) return undefined;
    if (lastGood?.jwks !== jwks) lastGood = { jwks, getKey: createLocalJWKSet(jwks) };
    return lastGood.getKey;
  }

  return async (protectedHeader, token) => {
    if (Date.now() < failingUntil) {
      const cached = cachedKeys();
      if (!cached) throw new errors.JWKSTimeout('Signing keys are unavailable; retrying shortly');
      return cached(protectedHeader, token);
    }
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      if (!isKeySetUnavailable(error)) throw error;
      failingUntil = Date.now() + retryAfterMs;
      const cached = cachedKeys();
      if (cached) return cached(protectedHeader, token);
      throw error;
    }
  };
}

/** The key set could not be fetched (timeout, refused connection, non-200 answer, not a key set), as opposed to a token that does not verify. */
export function isKeySetUnavailable(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error instanceof TypeError ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
  );
}
