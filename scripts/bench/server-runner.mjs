// One generated server under test, in its own process (forked by scripts/bench-server.mjs, which drives
// the load from another process so the load generator never shares this event loop).
//
// Starts three copies of the generated app on 127.0.0.1 (`createRequestListener` from the project's dist/),
// each with its own local key set (JWKS at /keys, Scalekit's role) that counts how often it is fetched:
//   - "auth": as shipped, verifying tokens against the key set, verified tokens cached;
//   - "authNoCache": the same with the verified-token cache off (`tokenCache: false`);
//   - "baseline": an app built here from the project's own MCP endpoint (`createMcpEndpoint`) and framework,
//     without the OAuth module, handing every request a fixed caller: what a request costs without
//     authentication. The shipped app has no switch to turn authentication off.
// Then sends { type: 'ready', servers: { <name>: { url, token } } }, and answers { type: 'stats' } with the
// key-set fetches per app and { type: 'cpu' } with the CPU time this process has used.
//
// Usage (via fork): server-runner.mjs <absolute project dir>
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const projectDir = process.argv[2];
if (!projectDir || !path.isAbsolute(projectDir)) throw new Error('usage: server-runner.mjs <absolute project dir>');
const load = (module) => import(pathToFileURL(path.join(projectDir, 'dist', module)).href);

const { createRequestListener } = await load('server.js');
const { createMcpEndpoint } = await load('mcp/server.js');
const { loadConfig } = await load('mcp-oauth/config.js');
const { silentLogger } = await load('mcp-oauth/log.js');
const { MAX_HEADER_BYTES, MAX_REQUEST_BODY_BYTES } = await load('mcp-oauth/limits.js');
/** A dependency of the project, resolved from the project (this repository may have another copy or none). */
const projectImport = (specifier) =>
  import(pathToFileURL(createRequire(path.join(projectDir, 'package.json')).resolve(specifier)).href);
const manifest = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
const framework = 'hono' in manifest.dependencies ? 'hono' : 'express';

const RESOURCE_ID = process.env.BENCH_RESOURCE_ID ?? 'res_bench';
const KID = 'bench-key-1';

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };

/** Scalekit's key set for one app, on its own port so each app's fetches are counted apart. */
async function startKeySet() {
  const keySet = { url: '', fetches: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/keys') {
      keySet.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  keySet.url = await listen(server);
  return keySet;
}

/** Listen on a random loopback port, then configure the app for that exact URL (Host checks, audience). */
async function startApp(listenerFor) {
  const keySet = await startKeySet();
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  const origin = await listen(server);
  const config = loadConfig({
    SCALEKIT_ENVIRONMENT_URL: keySet.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: `${origin}/mcp`,
    JWKS_COOLDOWN_SECONDS: '30',
  });
  server.on('request', await listenerFor(config));
  return { config, url: config.mcpServerUrl.href, keySet };
}

/** The same MCP endpoint on the same framework, with no OAuth module: every request gets `authInfo` as is. */
async function unauthenticatedListener(config, authInfo) {
  const mcp = createMcpEndpoint(silentLogger);
  if (framework === 'hono') {
    const { Hono } = await projectImport('hono');
    const { getRequestListener } = await projectImport('@hono/node-server');
    const app = new Hono();
    app.all(config.mcpPath, (c) => mcp.fetch(c.req.raw, { authInfo }));
    return getRequestListener(app.fetch);
  }
  const { default: express } = await projectImport('express');
  const { toNodeHandler } = await projectImport('@modelcontextprotocol/node');
  const handle = toNodeHandler(mcp, { maxRequestBodySize: MAX_REQUEST_BODY_BYTES });
  const app = express();
  app.all(config.mcpPath, (req, res) => {
    req.auth = authInfo;
    void handle(req, res);
  });
  return app;
}

const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: 'usr_bench',
  client_id: 'client_bench',
  scope: 'todo:read todo:write',
  iat: now,
  nbf: now,
  exp: now + 3600, // longer than any run
  jti: `bench-${now}`,
};

/** A token shaped like Scalekit's, minted for one server (its URL is in `aud`). */
function tokenFor(app) {
  return new SignJWT({ ...claims, iss: app.config.scalekit.authorizationServer, aud: [RESOURCE_ID, app.url] })
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'at+jwt' })
    .sign(privateKey);
}

// As shipped: verified tokens are remembered (mcp-oauth/auth/token-cache.ts).
const auth = await startApp((config) => createRequestListener(config, { log: silentLogger }));
// Every request verified from scratch: what the cache saves.
const authNoCache = await startApp((config) => createRequestListener(config, { log: silentLogger, tokenCache: false }));
// No verification at all: the caller the verifier would have produced, handed over unverified.
const baseline = await startApp((config) =>
  unauthenticatedListener(config, {
    token: 'not-verified',
    clientId: claims.client_id,
    scopes: claims.scope.split(' '),
    expiresAt: claims.exp,
    resource: config.mcpServerUrl,
    extra: { subject: claims.sub, tokenId: claims.jti },
  }),
);

const apps = { baseline, auth, authNoCache };
const servers = {};
for (const [name, app] of Object.entries(apps)) servers[name] = { url: app.url, token: await tokenFor(app) };

process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send({
      type: 'stats',
      jwksFetches: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.keySet.fetches])),
    });
  }
  // CPU time of this whole process (event loop and the thread pool that runs RSA verification), in µs:
  // only one app is under load at a time, so a difference between two readings is that app's cost.
  if (message?.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ type: 'cpu', micros: user + system });
  }
  if (message?.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', servers });

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}
