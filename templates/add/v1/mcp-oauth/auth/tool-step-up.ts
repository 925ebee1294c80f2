/**
 * Per-tool scopes for a server on the v1 MCP SDK, which has no per-tool scope check of its own. Before the
 * MCP handler runs, the guard passes the JSON-RPC body here: when a `tools/call` (alone or inside a batch)
 * names a tool whose scopes the token lacks, the answer is 403 `insufficient_scope` with the scopes the tool's
 * check asks for (see ../mcp/tool-scopes.ts), so the client can ask the user for them (step-up). The tool never runs.
 *
 * The scopes come from ../mcp/tool-scopes.ts. A tool missing from that map needs no scope beyond a valid token.
 */
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { scopeChallengeFor, TOOL_SCOPES, type ToolName } from '../mcp/tool-scopes.js';
import { bearerAuthChallengeResponse, OAuthError, OAuthErrorCode, type AuthInfo } from '../sdk.js';

export interface ToolScopeRefusal {
  tool: string;
  response: Response;
}

export async function toolScopeChallenge(
  body: unknown,
  authInfo: AuthInfo,
  resourceMetadataUrl: string,
): Promise<ToolScopeRefusal | undefined> {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    if (!isToolCall(message)) continue;
    const tool = message.params.name;
    if (!Object.prototype.hasOwnProperty.call(TOOL_SCOPES, tool)) continue;
    const challenge = await scopeChallengeFor(tool as ToolName)?.({ request: message, authInfo });
    if (challenge === undefined) continue;
    const error = new OAuthError(
      OAuthErrorCode.InsufficientScope,
      challenge.errorDescription ?? `Insufficient scope for the tool ${tool}`,
    );
    return {
      tool,
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
