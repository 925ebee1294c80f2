/**
 * The per-tool 403 step-up, checked by the SDK before a tool runs. Like the SDK's `requireScopes`, it lets
 * the call through when the token holds every scope the tool needs. Otherwise the challenge names the tool's
 * scopes *and* the server scopes the token already holds: a client that re-authorizes with exactly the
 * challenged scopes then keeps what it had instead of trading one permission for another
 * (MCP 2025-11-25, "Scope Challenge Handling").
 */
import type { ScopeChallengeHandler } from '@modelcontextprotocol/server';

export function requireToolScopes(
  required: readonly string[],
  serverScopes: readonly string[],
): ScopeChallengeHandler | undefined {
  if (required.length === 0) return undefined;
  return ({ authInfo }) => {
    // Unauthenticated requests never get this far: the bearer gate refuses them first.
    if (authInfo === undefined) return undefined;
    const granted = new Set(authInfo.scopes);
    const missing = required.filter((scope) => !granted.has(scope));
    if (missing.length === 0) return undefined;
    const stillNeeded = serverScopes.filter((scope) => granted.has(scope) && !required.includes(scope));
    const [first, ...rest] = [...stillNeeded, ...required];
    return { scopes: [first!, ...rest], errorDescription: `Insufficient scope: this tool needs ${missing.join(' ')}` };
  };
}
