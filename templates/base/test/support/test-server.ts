/**
 * Starts this server on 127.0.0.1 (./app-slot.ts), pointed at a local key set instead of Scalekit,
 * and signs tokens the way Scalekit does. The app is the real one; only the keys are local.
 */
import type { JWTPayload } from 'jose';
import { loadConfig, type ServerConfig } from '../../src/mcp-oauth/config.js';
import type { Readiness } from '../../src/health.js';
import { silentLogger, type Logger } from '../../src/mcp-oauth/log.js';
import { startFakeScalekit, type FakeScalekit } from './fake-scalekit.js';
import { reserveAppSlot } from './app-slot.js';
import { scalekitSigningKey, signToken, type SigningKey } from './signing-keys.js';

export const RESOURCE_ID = 'res_1234567890';

export interface TestServer {
  config: ServerConfig;
  /** The MCP endpoint URL (also the token audience). */
  mcpUrl: string;
  origin: string;
  scalekit: FakeScalekit;
  signingKey: SigningKey;
  /** A valid token for this server; `claims` override or add claims (`undefined` removes one). */
  token(claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { env?: Record<string, string>; log?: Logger; readiness?: Readiness; filterLists?: boolean } = {},
): Promise<TestServer> {
  const signingKey = await scalekitSigningKey();
  const scalekit = await startFakeScalekit(RESOURCE_ID, [signingKey]);
  const slot = await reserveAppSlot();
  const origin = slot.origin;
  const config = loadConfig({
    SCALEKIT_ENVIRONMENT_URL: scalekit.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: `${origin}/mcp`,
    JWKS_COOLDOWN_SECONDS: '0',
    ...options.env,
  });
  slot.start(config, {
    log: options.log ?? silentLogger,
    readiness: options.readiness,
    filterLists: options.filterLists,
  });
  const mcpUrl = config.mcpServerUrl.href;

  return {
    config,
    mcpUrl,
    origin,
    scalekit,
    signingKey,
    token: async (claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: config.scalekit.authorizationServer,
        aud: [RESOURCE_ID, mcpUrl],
        sub: 'usr_test',
        client_id: 'client_test',
        iat: now,
        nbf: now,
        exp: now + 300,
        jti: `jti-${Math.random()}`,
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return signToken(signingKey, payload);
    },
    close: async () => {
      await slot.close();
      await scalekit.close();
    },
  };
}

/** A JSON-RPC call to the MCP endpoint, the way a 2025-era client sends it (stateless, no session). */
export async function mcpPost(
  server: TestServer,
  body: unknown,
  init: { token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: JSON.stringify(body),
  });
}

export function callTool(name: string, args: Record<string, unknown> = {}, id = 1) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

/** A concrete URI for a policy entry: the URI itself, or the template with every variable set to `value` (as is). */
export function uriFor(uriOrTemplate: string, value = '1'): string {
  return uriOrTemplate.replace(/\{[^}]*\}/g, value);
}

export function readResource(uri: string, id = 1) {
  return { jsonrpc: '2.0', id, method: 'resources/read', params: { uri } };
}

export function getPrompt(name: string, args: Record<string, string> = {}, id = 1) {
  return { jsonrpc: '2.0', id, method: 'prompts/get', params: { name, arguments: args } };
}

export const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
};

/** Reads a JSON-RPC response whether the server answered with JSON or a one-event SSE stream. */
export async function rpcResult(response: Response): Promise<{ result?: any; error?: any }> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .filter(Boolean);
    return JSON.parse(data.at(-1) ?? '{}');
  }
  return JSON.parse(text);
}

/** A logger that keeps every line, for assertions on what the server logs. */
export function captureLogs(): {
  log: Logger;
  lines: Array<{ level: string; event: string } & Record<string, unknown>>;
} {
  const lines: Array<{ level: string; event: string } & Record<string, unknown>> = [];
  return { lines, log: (level, event, fields = {}) => lines.push({ level, event, ...fields }) };
}
