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
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { listen, RESOURCE_ID, serveDriver, startKeySet, tokenFor, unverifiedAuthInfo } from './bench-auth.mjs';

const projectDir = process.argv[2];
if (!projectDir || !path.isAbsolute(projectDir)) throw new Error('usage: server-runner.mjs <absolute project dir>');
const load = (module) => import(pathToFileURL(path.join(projectDir, 'dist', module)).href);

const { createRequestListener } = await load('server.js');
const { loadConfig } = await load('config.js');
const { silentLogger } = await load('log.js');
const { MAX_HEADER_BYTES } = await load('limits.js');

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

// As shipped: verified tokens are remembered (auth/token-cache.ts).
const auth = await startApp(() => ({}));
// Every request verified from scratch: what the cache saves.
const authNoCache = await startApp(() => ({ tokenCache: false }));
// No verification at all: the caller the verifier would have produced, handed over unverified.
const baseline = await startApp((config) => {
  const authInfo = unverifiedAuthInfo(config.mcpServerUrl);
  return { bearerGate: async () => ({ ok: true, authInfo }) };
});

const apps = { baseline, auth, authNoCache };
const servers = {};
for (const [name, app] of Object.entries(apps))
  servers[name] = {
    url: app.url,
    token: await tokenFor({ issuer: app.config.scalekit.authorizationServer, url: app.url }),
  };

// CPU time of this whole process (event loop and the thread pool that runs RSA verification), in µs:
// only one app is under load at a time, so a difference between two readings is that app's cost.
serveDriver(apps, servers, () => {
  const { user, system } = process.cpuUsage();
  return user + system;
});
