/**
 * The audit trail: one JSON log line per tool call (`"event":"tool_call"`) saying who called which tool,
 * whether it was allowed and why, and how long it took. It never holds the token or the tool's arguments.
 *
 * It hooks in where the SDK decides, rather than re-reading request bodies: every tool registered on the
 * server gets a wrapped `scopeChallenge` (the SDK asks it before the tool runs, in both protocol eras; a
 * challenge becomes a 403 step-up: "denied") and a wrapped handler ("allowed": logged when the tool returns,
 * with its outcome). Requests the SDK refuses before any tool is chosen (an unknown tool, arguments that fail
 * the input schema) are answered as JSON-RPC errors and never reach a tool, so they are not audited here.
 */
import type { AuthInfo, McpServer, ScopeChallengeHandler, ServerContext } from '@modelcontextprotocol/server';
import type { LogFields, Logger } from '../mcp-oauth/log.js';

type ToolHandler = (...params: unknown[]) => unknown;
type RegisterTool = (name: string, config: { scopeChallenge?: ScopeChallengeHandler }, handler: ToolHandler) => unknown;

/** Makes every tool registered on `server` from now on write its audit line to `log`. */
export function auditToolCalls(server: McpServer, log: Logger): void {
  // registerTool's overloads are generic over each tool's schemas; the wrapper passes them through untouched.
  const register = server.registerTool.bind(server) as unknown as RegisterTool;
  const audited: RegisterTool = (tool, config, handler) => {
    const checksScopes = config.scopeChallenge !== undefined;
    return register(
      tool,
      { ...config, scopeChallenge: config.scopeChallenge && auditDenials(tool, config.scopeChallenge, log) },
      auditCalls(tool, checksScopes, handler, log),
    );
  };
  server.registerTool = audited as unknown as McpServer['registerTool'];
}

function auditDenials(tool: string, check: ScopeChallengeHandler, log: Logger): ScopeChallengeHandler {
  return async (context) => {
    const started = performance.now();
    const challenge = await check(context);
    if (challenge !== undefined) {
      log('info', 'tool_call', {
        ...caller(tool, context.authInfo),
        decision: 'denied',
        reason: 'insufficient_scope',
        required_scope: challenge.scopes.join(' '),
        duration_ms: since(started),
      });
    }
    return challenge;
  };
}

function auditCalls(tool: string, checksScopes: boolean, handler: ToolHandler, log: Logger): ToolHandler {
  return async (...params) => {
    const started = performance.now();
    // The SDK passes the request context last: `(ctx)`, or `(args, ctx)` for a tool with an input schema.
    const ctx = params.at(-1) as ServerContext;
    const allowed: LogFields = {
      ...caller(tool, ctx.http?.authInfo),
      decision: 'allowed',
      reason: checksScopes ? 'scopes_granted' : 'no_scope_required',
    };
    try {
      const result = await handler(...params);
      const failed = (result as { isError?: unknown } | undefined)?.isError === true;
      log('info', 'tool_call', { ...allowed, outcome: failed ? 'error' : 'ok', duration_ms: since(started) });
      return result;
    } catch (error) {
      log('info', 'tool_call', { ...allowed, outcome: 'error', duration_ms: since(started) });
      throw error;
    }
  };
}

/** Who called: identifiers from the verified token, never the token itself. */
function caller(tool: string, auth: AuthInfo | undefined): LogFields {
  const claim = (name: string) => (typeof auth?.extra?.[name] === 'string' ? (auth.extra[name] as string) : undefined);
  return {
    tool,
    subject: claim('subject') ?? auth?.clientId,
    client_id: auth?.clientId,
    organization_id: claim('organizationId'),
  };
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
