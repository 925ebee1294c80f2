/**
 * An authenticated conversation with the MCP server, as a host has it: initialize, notifications/initialized,
 * tools/list (all pages), optionally tools/call, then DELETE the session. This is the only code that sends the
 * access token, and only ever to the MCP URL: `CredentialGuard` enforces it on every request, and redirects are not
 * followed (a 3xx is reported instead).
 */
import type { DoctorContext } from './context.js';
import type { HttpOutcome } from './http.js';
import {
  initializeBody,
  mcpHeaders,
  notificationBody,
  PROTOCOL_VERSION,
  readJsonRpc,
  requestBody,
  untilResponse,
  type JsonRpcResponse,
} from './mcp-protocol.js';

export interface McpExchange {
  outcome: HttpOutcome;
  message?: JsonRpcResponse;
  /** Why no JSON-RPC response could be read from a 2xx answer. */
  problem?: string;
}

export interface ListedTool {
  name: string;
  /** Declared `securitySchemes` scopes (a convention some servers follow), when present. */
  declaredScopes?: string[];
}

const MAX_TOOL_PAGES = 10;

export class McpSession {
  private sessionId: string | undefined;
  private protocolVersion = PROTOCOL_VERSION;
  private nextId = 1;

  constructor(
    private readonly ctx: DoctorContext,
    private readonly token: string,
  ) {
    // Registering the token makes any request carrying it anywhere but the MCP URL throw.
    ctx.guard.protectToken(token, ctx.mcpUrl);
  }

  get hasSession(): boolean {
    return this.sessionId !== undefined;
  }

  get negotiatedProtocolVersion(): string {
    return this.protocolVersion;
  }

  async initialize(): Promise<McpExchange> {
    const id = this.nextId++;
    const exchange = await this.post(initializeBody(id), id);
    if (exchange.outcome.kind === 'response' && exchange.outcome.status >= 200 && exchange.outcome.status < 300) {
      this.sessionId = exchange.outcome.headers.get('mcp-session-id') ?? undefined;
      const version = exchange.message?.result?.protocolVersion;
      if (typeof version === 'string') this.protocolVersion = version;
      if (exchange.message?.result) {
        // Hosts send this before anything else; servers with sessions may refuse requests until they get it.
        await this.ctx.http.send({
          url: this.ctx.mcpUrl,
          method: 'POST',
          headers: this.headers(),
          body: notificationBody('notifications/initialized'),
        });
      }
    }
    return exchange;
  }

  /** tools/list, following nextCursor. Stops at the first answer that is not a successful JSON-RPC result. */
  async listTools(): Promise<{ exchange: McpExchange; tools: ListedTool[] }> {
    const tools: ListedTool[] = [];
    let cursor: string | undefined;
    let exchange: McpExchange | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const id = this.nextId++;
      exchange = await this.post(requestBody(id, 'tools/list', cursor ? { cursor } : undefined), id);
      const result = exchange.message?.result;
      if (!result || !Array.isArray(result.tools)) break;
      for (const tool of result.tools) {
        if (tool && typeof tool === 'object' && typeof (tool as { name?: unknown }).name === 'string') {
          tools.push({
            name: (tool as { name: string }).name,
            declaredScopes: declaredScopes(tool as Record<string, unknown>),
          });
        }
      }
      cursor = typeof result.nextCursor === 'string' && result.nextCursor ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return { exchange: exchange!, tools };
  }

  /**
   * The names (or URIs) a list method returns, following nextCursor: `prompts/list` → `prompts[].name`,
   * `resources/list` → `resources[].uri`, `resources/templates/list` → `resourceTemplates[].uriTemplate`.
   */
  async listNames(method: string, key: string, field: string): Promise<{ exchange: McpExchange; names: string[] }> {
    const names: string[] = [];
    let cursor: string | undefined;
    let exchange: McpExchange | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const id = this.nextId++;
      exchange = await this.post(requestBody(id, method, cursor ? { cursor } : undefined), id);
      const result = exchange.message?.result;
      if (!result || !Array.isArray(result[key])) break;
      for (const item of result[key] as unknown[]) {
        const value = item && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
        if (typeof value === 'string') names.push(value);
      }
      cursor = typeof result.nextCursor === 'string' && result.nextCursor ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return { exchange: exchange!, names };
  }

  /** prompts/get without arguments: the scope gate runs before the prompt's arguments are looked at. */
  async getPrompt(name: string): Promise<McpExchange> {
    const id = this.nextId++;
    return this.post(requestBody(id, 'prompts/get', { name, arguments: {} }), id);
  }

  /** resources/read: reading has no side effects. */
  async readResource(uri: string): Promise<McpExchange> {
    const id = this.nextId++;
    return this.post(requestBody(id, 'resources/read', { uri }), id);
  }

  /** Calls a tool with empty arguments: enough to pass (or fail) the scope gate, which runs before validation. */
  async callTool(name: string): Promise<McpExchange> {
    const id = this.nextId++;
    return this.post(requestBody(id, 'tools/call', { name, arguments: {} }), id);
  }

  /** Ends the session politely; failures are irrelevant to the diagnosis. */
  async close(): Promise<void> {
    if (!this.sessionId) return;
    await this.ctx.http.send({ url: this.ctx.mcpUrl, method: 'DELETE', headers: this.headers(), readBody: 'none' });
  }

  private headers(): Record<string, string> {
    return {
      ...mcpHeaders(this.protocolVersion),
      authorization: `Bearer ${this.token}`,
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
    };
  }

  private async post(body: string, id: number): Promise<McpExchange> {
    const outcome = await this.ctx.http.send({
      url: this.ctx.mcpUrl,
      method: 'POST',
      headers: this.headers(),
      body,
      readBody: untilResponse(id),
    });
    if (outcome.kind !== 'response' || outcome.status < 200 || outcome.status >= 300) return { outcome };
    const { message, problem } = readJsonRpc(outcome, id);
    return { outcome, message, problem };
  }
}

/** Reads `securitySchemes: [{ type: 'oauth2', scopes: [...] }]` from a tool descriptor (or its `_meta`). */
function declaredScopes(tool: Record<string, unknown>): string[] | undefined {
  const meta = tool._meta && typeof tool._meta === 'object' ? (tool._meta as Record<string, unknown>) : {};
  const schemes = [tool.securitySchemes, meta.securitySchemes].find(Array.isArray);
  if (!schemes) return undefined;
  const scopes = schemes.flatMap((scheme) =>
    scheme && typeof scheme === 'object' && Array.isArray((scheme as { scopes?: unknown }).scopes)
      ? ((scheme as { scopes: unknown[] }).scopes.filter((scope) => typeof scope === 'string') as string[])
      : [],
  );
  return scopes.length > 0 ? [...new Set(scopes)] : undefined;
}
