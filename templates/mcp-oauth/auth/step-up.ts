/**
 * The per-tool 403 step-up: every rule about which scopes a call needs, in one place.
 *
 * `requireToolScopes` is the check itself. Like the SDK's `requireScopes`, it lets the call through when the
 * token holds every scope the tool needs. Otherwise the challenge names the tool's scopes *and* the server
 * scopes the token already holds: a client that re-authorizes with exactly the challenged scopes then keeps
 * what it had instead of trading one permission for another (MCP 2025-11-25, "Scope Challenge Handling").
 * On the v2 SDK it runs inside the SDK, before the tool (`registerTool(…, { scopeChallenge })`).
 *
 * `toolCallChallenge` applies the same check to a JSON-RPC body before the MCP handler runs, for SDKs without
 * a per-tool check of their own (v1): a `tools/call` (alone or inside a batch) for a tool whose scopes the
 * token lacks gets the 403 `insufficient_scope` answer, and the tool never runs.
 */
import {
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type AuthInfo,
  type JSONRPCRequest,
  type ScopeChallengeHandler,
} from '../sdk.js';

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

export interface ToolCallRefusal {
  tool: string;
  /** The scopes the challenge asks for, space-separated (for the logs). */
  requiredScope: string;
  response: Response;
}

/**
 * The 403 answer for the first `tools/call` in `body` that the token may not make, or undefined.
 * `checkFor(tool)` is the tool's scope check (undefined for a tool that needs no scope, or is not mapped).
 */
export async function toolCallChallenge(
  body: unknown,
  authInfo: AuthInfo,
  resourceMetadataUrl: string,
  checkFor: (tool: string) => ScopeChallengeHandler | undefined,
): Promise<ToolCallRefusal | undefined> {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    if (!isToolCall(message)) continue;
    const tool = message.params.name;
    const challenge = await checkFor(tool)?.({ request: message, authInfo });
    if (challenge === undefined) continue;
    const error = new OAuthError(
      OAuthErrorCode.InsufficientScope,
      challenge.errorDescription ?? `Insufficient scope for the tool ${tool}`,
    );
    return {
      tool,
      requiredScope: challenge.scopes.join(' '),
      response: bearerAuthChallengeResponse(error, { requiredScopes: [...challenge.scopes], resourceMetadataUrl }),
    };
  }
  return undefined;
}

function isToolCall(message: unknown): message is JSONRPCRequest & { params: { name: string } } {
  if (typeof message !== 'object' || message === null) return false;
  const { method, params } = message as { method?: unknown; params?: unknown };
  return (
    method === 'tools/call' &&
    typeof params === 'object' &&
    params !== null &&
    typeof (params as { name?: unknown }).name === 'string'
  );
}
