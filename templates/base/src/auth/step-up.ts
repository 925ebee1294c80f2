/**
 * The 403 step-up, checked by the SDK before a tool, prompt or resource handler runs. Like the SDK's
 * `requireScopes`, it lets the request through when the token holds every scope the operation needs.
 * Otherwise the challenge names the operation's scopes *and* the server scopes the token already holds: a
 * client that re-authorizes with exactly the challenged scopes then keeps what it had instead of trading one
 * permission for another (MCP 2025-11-25, "Scope Challenge Handling"). `offline_access` is never a server
 * scope, so it never appears in a challenge.
 */
import type { ScopeChallengeHandler } from '@modelcontextprotocol/server';

/** What the scopes protect, named in the challenge's error_description. */
export type Primitive = 'tool' | 'prompt' | 'resource';

export function requireScopesFor(
  primitive: Primitive,
  required: readonly string[],
  serverScopes: readonly string[],
): ScopeChallengeHandler | undefined {
  if (required.length === 0) return undefined;
  return ({ authInfo }) => {
    // Unauthenticated requests never get this far: the bearer gate refuses them first.
    if (authInfo === undefined) return undefined;
    if (holdsAll(authInfo.scopes, required)) return undefined;
    const granted = new Set(authInfo.scopes);
    const missing = required.filter((scope) => !granted.has(scope));
    const stillNeeded = serverScopes.filter((scope) => granted.has(scope) && !required.includes(scope));
    const [first, ...rest] = [...stillNeeded, ...required];
    return {
      scopes: [first!, ...rest],
      errorDescription: `Insufficient scope: this ${primitive} needs ${missing.join(' ')}`,
    };
  };
}

/** True when `granted` covers every scope in `required` (an empty list: any valid token). */
export function holdsAll(granted: readonly string[], required: readonly string[]): boolean {
  const held = new Set(granted);
  return required.every((scope) => held.has(scope));
}
