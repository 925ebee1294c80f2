/**
 * LOCAL TEST AUTHORIZATION SERVER, shaped like Scalekit. For local development and
 * automated tests ONLY. Never deploy it, never expose it: it has no passwords and
 * anyone who can reach it can sign in as anyone.
 *
 * It lets you try this MCP server without a Scalekit account. It serves, on
 * http://127.0.0.1:<port>, the same URLs and token shapes as a Scalekit environment
 * with one MCP resource (`res_...`):
 *
 *   - `/keys` (JWKS, RS256 keys with `kid`) and the authorization server metadata at
 *     `/resources/<res>/.well-known/oauth-authorization-server` (and the RFC 8414 form);
 *   - authorization code + PKCE (S256), client credentials, refresh tokens (offline_access);
 *   - dynamic client registration and Client ID Metadata Documents (both switchable);
 *   - RS256 JWT access tokens with `aud: [<res>, <server url>]`, `scope` and `scopes`,
 *     `sub`, `client_id`, `oid`, `sid`, `jti`, `iat`, `nbf`, `exp`.
 *
 * Under the hood it is `oidc-provider` (a certified OpenID/OAuth server) configured to
 * look like Scalekit; the implementation lives in ./local-scalekit/.
 *
 * Run it together with this MCP server, configured for each other: `npm run dev:local` (dev/try-local.ts).
 * Or alone, with each scope of src/mcp-oauth/tool-scopes.ts:
 *   npx tsx dev/local-scalekit.ts --port 9000 --resource-id res_local \
 *     --server-url http://localhost:3000/mcp --scope <scope> --scope <another scope>
 * then start the MCP server with the printed SCALEKIT_ENVIRONMENT_URL / SCALEKIT_RESOURCE_ID.
 *
 * Use it from tests: `startLocalScalekit({...})` and `completeLoginHeadlessly(url)`.
 */

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalScalekit } from './local-scalekit/index.js';

export * from './local-scalekit/index.js';

const USAGE = `Usage: tsx dev/local-scalekit.ts --scope <scope> [--scope <scope> ...] [options]

  --port <n>                 port on 127.0.0.1 (default 9000; 0 = any free port)
  --resource-id <res_...>    Scalekit resource id to imitate (default res_local)
  --server-url <url>         the MCP endpoint URL (default http://localhost:3000/mcp)
  --scope <scope>            a scope of the MCP server (repeat for each)
  --issuer-form <form>       token iss: "resource" (<url>/resources/<res>, default) or "environment" (<url>)
  --disable-dcr              turn dynamic client registration off
  --disable-cimd             turn Client ID Metadata Documents off
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9000' },
      'resource-id': { type: 'string', default: 'res_local' },
      'server-url': { type: 'string', default: 'http://localhost:3000/mcp' },
      scope: { type: 'string', multiple: true },
      'issuer-form': { type: 'string', default: 'resource' },
      'disable-dcr': { type: 'boolean', default: false },
      'disable-cimd': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const issuerForm = values['issuer-form'];
  if (values.help || !values.scope?.length || (issuerForm !== 'resource' && issuerForm !== 'environment')) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }

  const server = await startLocalScalekit({
    port: Number(values.port),
    resourceId: values['resource-id'],
    serverUrl: values['server-url'],
    scopes: values.scope,
    issuerForm,
    dcr: !values['disable-dcr'],
    cimd: !values['disable-cimd'],
  });
  // A machine client, to try the client credentials grant (e.g. with curl).
  const machine = await server.registerClient({
    client_name: 'local machine client',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
  });

  console.log(`Point the MCP server at it:

${Object.entries(server.env())
  .map(([name, value]) => `  ${name}=${value}`)
  .join('\n')}

Authorization server metadata: ${server.metadataUrl}
Client credentials (machine) client: client_id=${machine.client_id} client_secret=${machine.client_secret}
  curl -u '${machine.client_id}:${machine.client_secret}' -d grant_type=client_credentials \\
    -d 'scope=${values.scope.join(' ')}' -d resource=${server.serverUrl} ${server.issuer}/oauth/token

Press Ctrl+C to stop.`);

  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
