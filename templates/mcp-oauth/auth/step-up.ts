/**
 * The 403 step-up for tools, prompts and resources: every rule about which scopes a request needs, in one place.
 *
 * `requireScopesFor` is the check itself. Like the SDK's `requireScopes`, it lets the request through when the
 * token holds every scope the tool, prompt or resource needs. Otherwise the challenge names those scopes *and*
 * the server scopes the token already holds: a client that re-authorizes with exactly the challenged scopes
 * then keeps what it had instead of trading one permission for another (MCP 2025-11-25, "Scope Challenge
 * Handling"). `offline_access` is never a server scope, so it never appears in a challenge. On the v2 SDK it
 * runs inside the SDK, before the handler (`registerTool` / `registerPrompt` / `registerResource` with
 * `{ scopeChallenge }`).
 *
 * `scopeChallengeResponse` applies the same checks to a JSON-RPC body before the MCP handler runs, for SDKs
 * without checks of their own (v1): a `tools/call`, `prompts/get` or `resources/read` (alone or inside a batch)
 * the token's scopes do not cover gets the 403 `insufficient_scope` answer, and no handler runs.
 */
import {
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type AuthInfo,
  type JSONRPCRequest,
  type ScopeChallengeHandler,
} from '../sdk.js';

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

export interface ScopeRefusal {
  /** The JSON-RPC method refused: tools/call, prompts/get or resources/read. */
  method: string;
  /** The scopes the challenge asks for, space-separated (for the logs). */
  requiredScope: string;
  response: Response;
}

/**
 * The 403 answer for the first request in `body` that the token may not make, or undefined.
 * `checkFor(request)` is the request's scope check from the policy (undefined when it needs no scope).
 */
export async function scopeChallengeResponse(
  body: unknown,
  authInfo: AuthInfo,
  resourceMetadataUrl: string,
  checkFor: (request: JSONRPCRequest) => ScopeChallengeHandler | undefined,
): Promise<ScopeRefusal | undefined> {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    if (!isRequest(message)) continue;
    const challenge = await checkFor(message)?.({ request: message, authInfo });
    if (challenge === undefined) continue;
    const error = new OAuthError(
      OAuthErrorCode.InsufficientScope,
      challenge.errorDescription ?? `Insufficient scope for ${message.method}`,
    );
    return {
      method: message.method,
      requiredScope: challenge.scopes.join(' '),
      response: bearerAuthChallengeResponse(error, { requiredScopes: [...challenge.scopes], resourceMetadataUrl }),
    };
  }
  return undefined;
}

function isRequest(message: unknown): message is JSONRPCRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { method, params } = message as { method?: unknown; params?: unknown };
  return typeof method === 'string' && (params === undefined || (typeof params === 'object' && params !== null));
}
