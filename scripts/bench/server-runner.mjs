// One generated server under test, in its own process (forked by scripts/bench-server.mjs, which drives
// the load from another process so the load generator never shares this event loop).
//
// Starts three copies of the generated app on 127.0.0.1 (`createRequestListener` from the project's dist/),
// each with its own local key set (JWKS at /keys, Scalekit's role) that counts how often it is fetched:
//   - "auth": as shipped, verifying tokens against the key set, verified tokens cached;
//   - "authNoCache": the same with the verified-token cache off (`tokenCache: false`);
//   - "baseline": the `bearerGate` override set to one that accepts every request with a fixed caller,
//     i.e. what a request costs without authentication.
// Then sends { type: 'ready', servers: { <name>: { url, token } } }, and answers { type: 'stats' } with the
// key-set fetches per app and { type: 'cpu' } with the CPU time this process has used.
//
// Usage (via fork): server-runner.mjs <absolute project dir>
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const projectDir = process.argv[2];
if (!projectDir || !path.isAbsolute(projectDir)) throw new Error('usage: server-runner.mjs <absolute project dir>');
const load = (module) => import(pathToFileURL(path.join(projectDir, 'dist', module)).href);

const { createRequestListener } = await load('server.js');
const { loadConfig } = await load('config.js');
const { silentLogger } = await load('log.js');
const { MAX_HEADER_BYTES } = await load('limits.js');

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
async function startApp(overridesFor) {
  const keySet = await startKeySet();
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  const origin = await listen(server);
  const config = loadConfig({
    SCALEKIT_ENVIRONMENT_URL: keySet.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: `${origin}/mcp`,
    JWKS_COOLDOWN_SECONDS: '30',
  });
  server.on('request', createRequestListener(config, { log: silentLogger, ...overridesFor(config) }));
  return { config, url: config.mcpServerUrl.href, keySet };
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

// As shipped: verified tokens are remembered (auth/token-cache.ts).
const auth = await startApp(() => ({}));
// Every request verified from scratch: what the cache saves.
const authNoCache = await startApp(() => ({ tokenCache: false }));
// No verification at all: the caller the verifier would have produced, handed over unverified.
const baseline = await startApp((config) => {
  const authInfo = {
    token: 'not-verified',
    clientId: claims.client_id,
    scopes: claims.scope.split(' '),
    expiresAt: claims.exp,
    resource: config.mcpServerUrl,
    extra: { subject: claims.sub, tokenId: claims.jti },
  };
  return { bearerGate: async () => ({ ok: true, authInfo }) };
});

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
