/**
 * Remembers tokens that verified, briefly, so a client that sends the same access token with every
 * request pays for the RS256 signature check once instead of on every call. Signature verification is the
 * largest part of what authentication costs a request (create-mcp-oauth's `npm run bench:server` measures
 * it); a hit costs one SHA-256 of the token.
 *
 * Fail-closed by construction:
 * - Only successes are remembered. A token that fails is verified again next time, and junk tokens never
 *   take a slot, so they cannot push real entries out or grow memory.
 * - An entry is used until the token's `exp` or `maxAgeMs` after it was verified, whichever comes first:
 *   an expired token is never served from here (and the MCP SDK checks `exp` again on every request), and
 *   a key Scalekit withdraws stops being honoured within `maxAgeMs`.
 * - At most `maxEntries` tokens are kept; the least recently used goes first.
 * - Entries are keyed by the token's SHA-256, so the cache holds no bearer credential (a heap dump or a
 *   debug print of it yields nothing to replay), and any other token (another signature over the same
 *   claims, a tampered copy) is a different key and gets verified on its own.
 */
import type { AuthInfo, OAuthTokenVerifier } from '../sdk.js';

export interface TokenCacheOptions {
  /** Most tokens remembered at once (default 1,000: well under 1 MB). */
  maxEntries?: number;
  /** Longest a verification is reused, however long the token stays valid (default 60 s). */
  maxAgeMs?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

interface Entry {
  /** What the verifier returned, minus the token itself. */
  authInfo: Omit<AuthInfo, 'token'>;
  /** Epoch milliseconds: the entry is used only strictly before this. */
  validUntilMs: number;
}

export function cachingTokenVerifier(
  verifier: OAuthTokenVerifier,
  options: TokenCacheOptions = {},
): OAuthTokenVerifier {
  const maxEntries = options.maxEntries ?? 1_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry>();

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const key = await sha256(token);
      const cached = entries.get(key);
      if (cached !== undefined) {
        entries.delete(key);
        if (now() < cached.validUntilMs) {
          entries.set(key, cached);
          return withToken(cached.authInfo, token);
        }
      }

      const authInfo = await verifier.verifyAccessToken(token); // a rejection propagates and is not remembered
      const verifiedAt = now();
      // A token without a numeric `exp` is not remembered at all (the SDK refuses it anyway).
      const validUntilMs =
        typeof authInfo.expiresAt === 'number'
          ? Math.min(authInfo.expiresAt * 1000, verifiedAt + maxAgeMs)
          : verifiedAt;
      if (validUntilMs > verifiedAt && maxEntries > 0) {
        const { token: _presented, ...withoutToken } = authInfo;
        entries.delete(key);
        entries.set(key, { authInfo: withoutToken, validUntilMs });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return authInfo;
    },
  };
}

/** A fresh copy per request, so nothing a handler does to its `AuthInfo` reaches another request. */
function withToken(authInfo: Omit<AuthInfo, 'token'>, token: string): AuthInfo {
  return {
    ...authInfo,
    token,
    scopes: [...authInfo.scopes],
    ...(authInfo.extra === undefined ? {} : { extra: { ...authInfo.extra } }),
  };
}

/** The token's SHA-256, with the Web Crypto API every runtime has (hex, as a compact map key). */
async function sha256(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
