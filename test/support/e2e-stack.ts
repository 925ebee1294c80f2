/**
 * One end-to-end stack: the local Scalekit-shaped authorization server (templates/base/dev, the code
 * every generated project ships in dev/) and a fixture project's built server pointed at it, both on
 * loopback. The MCP URL uses `localhost` and the authorization server `127.0.0.1`, as in real set-ups
 * where the two differ.
 */
import { startLocalScalekit, type LocalScalekit } from '../../templates/base/dev/local-scalekit.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  startGeneratedServer,
  type GeneratedProject,
  type RunningServer,
} from './generated-projects.js';
import { freePort } from './ports.js';

export interface E2eStack {
  as: LocalScalekit;
  server: RunningServer;
  mcpUrl: string;
  /** The JSON log lines the server wrote so far, parsed. */
  logEvents(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startE2eStack(project: GeneratedProject): Promise<E2eStack> {
  const port = await freePort();
  const mcpUrl = `http://localhost:${port}/mcp`;
  const as = await startLocalScalekit({
    resourceId: FIXTURE_RESOURCE_ID,
    serverUrl: mcpUrl,
    scopes: FIXTURE_SCOPES.map((scope) => scope.name),
    quiet: true,
  });
  let server: RunningServer;
  try {
    server = await startGeneratedServer(project, {
      PORT: String(port),
      MCP_SERVER_URL: mcpUrl,
      SCALEKIT_ENVIRONMENT_URL: as.url,
      SCALEKIT_RESOURCE_ID: FIXTURE_RESOURCE_ID,
      // The local server puts the MCP URL in `aud` (as Scalekit does with a Server URL): insist on it.
      MCP_SERVER_URL_IN_AUDIENCE: 'true',
      // Refetch the key set at once on an unknown kid, so a rotation is picked up without waiting.
      JWKS_COOLDOWN_SECONDS: '0',
    });
  } catch (error) {
    await as.close();
    throw error;
  }
  return {
    as,
    server,
    mcpUrl,
    logEvents: () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      await server.stop();
      await as.close();
    },
  };
}

/** A raw MCP `initialize` POST with a bearer token, for asserting on the exact HTTP answer. */
export function postInitialize(stack: E2eStack, token: string): Promise<Response> {
  return fetch(`${stack.server.origin}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
    }),
  });
}

/** A client-credentials (machine) token from `as`'s token endpoint, bound to `resource`. */
export async function machineToken(
  as: LocalScalekit,
  resource: string,
  scope: string,
): Promise<{ token: string; clientId: string }> {
  const client = await as.registerClient({
    client_name: 'e2e machine client',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const clientId = String(client.client_id);
  const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(String(client.client_secret))}`;
  const response = await fetch(`${as.issuer}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(credentials)}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`client_credentials failed (${response.status}): ${JSON.stringify(body)}`);
  return { token: body.access_token, clientId };
}
