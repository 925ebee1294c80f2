/**
 * `npm run dev:local`: try this MCP server before you have a Scalekit account.
 *
 * Starts the LOCAL TEST authorization server (dev/local-scalekit.ts, shaped like Scalekit) on
 * 127.0.0.1, then this project's server in watch mode (`tsx watch src/index.ts`, like `npm run dev`)
 * pointed at it, and prints how to connect MCP Inspector or Claude Code. Ctrl+C stops both.
 *
 * For your laptop only: there are no passwords (anyone on this machine can sign in as anyone), so it
 * refuses to run with NODE_ENV=production and binds both servers to loopback.
 *
 * Options (after `npm run dev:local --`), or environment variables:
 *   --auth-port <n>   LOCAL_SCALEKIT_PORT   port of the local authorization server (default 9000;
 *                                           a free one is picked, and printed, when it is busy)
 *   MCP_SERVER_URL                          the MCP URL to serve (default: the one in .env when it is
 *                                           on localhost, else http://localhost:3000/mcp)
 *
 * The server runs as a child process rather than in this process so that it is exactly what
 * `npm run dev` runs (same entry point, same .env handling, restarts on changes), while the
 * authorization server keeps its clients, sign-ins and keys across those restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import { SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { startLocalScalekit, type LocalScalekit } from './local-scalekit.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_AUTH_PORT = 9000;
const DEFAULT_MCP_URL = 'http://localhost:3000/mcp';
/** Any `res_` id works: the local authorization server and the MCP server are told the same one. */
const LOCAL_RESOURCE_ID = 'res_local';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

class UsageError extends Error {}

let stopping = false;

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    throw new UsageError(
      'dev:local refuses to run with NODE_ENV=production: it starts a local test authorization server where ' +
        'anyone can sign in as anyone. In production, point the server at Scalekit (see README.md, "Set up Scalekit").',
    );
  }
  const { values } = parseArgs({ options: { 'auth-port': { type: 'string' } } });
  const authPort = parsePort(values['auth-port'] ?? process.env.LOCAL_SCALEKIT_PORT);
  const mcpUrl = localMcpUrl();
  const url = mcpUrl.href;
  const mcpPort = Number(mcpUrl.port || 80);
  if (!(await isFree(mcpPort))) {
    throw new UsageError(
      `Port ${mcpPort} (from MCP_SERVER_URL ${url}) is already in use: stop what is using it ` +
        `(is \`npm run dev\` still running?) or set MCP_SERVER_URL=http://localhost:<another port>${mcpUrl.pathname}.`,
    );
  }

  const scopes = Object.keys(SCOPES);
  const authServer = await startAuthServer(authPort, { resourceId: LOCAL_RESOURCE_ID, serverUrl: url, scopes });

  const server = spawn(process.execPath, [tsxCli(), 'watch', '--clear-screen=false', 'src/index.ts'], {
    cwd: PROJECT_DIR,
    stdio: 'inherit',
    env: {
      ...process.env,
      // Real environment variables win over .env in the server, so .env is left untouched.
      SCALEKIT_ENVIRONMENT_URL: authServer.url,
      SCALEKIT_RESOURCE_ID: LOCAL_RESOURCE_ID,
      MCP_SERVER_URL: url,
      // The local authorization server puts the MCP URL in `aud`, as Scalekit does once a Server URL is set.
      MCP_SERVER_URL_IN_AUDIENCE: 'true',
      PORT: String(mcpPort),
      HOST: '127.0.0.1',
      // Empty means "the defaults for a localhost URL" (loopback names), whatever .env says for a deployment.
      ALLOWED_HOSTS: '',
      ALLOWED_ORIGINS: '',
    },
  });
  const stop = stopper(server, authServer);
  // `on`, not `once`: tsx relays the signal that Ctrl+C already delivered, and a second one must not
  // kill this process before it has stopped the others (stop() runs once and exits within seconds).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0, 2000));
  // The server stopping by itself (Ctrl+C reaches it too) ends the session.
  server.once('exit', (code, signal) => void stop(signal ? 0 : (code ?? 0)));

  const up = await waitForHealth(`http://127.0.0.1:${mcpPort}/healthz`, server);
  if (!stopping) console.log(nextSteps(authServer, url, scopes, up));
}

/**
 * Stops the server (and its watcher), then the authorization server, once; then exits.
 * Ctrl+C (or a signal to the process group) reaches the server too, so it gets a moment to stop by
 * itself before it is sent SIGTERM: a second signal would make the watcher kill it without a clean close.
 */
function stopper(server: ChildProcess, authServer: LocalScalekit): (code: number, graceMs?: number) => Promise<void> {
  return async (code, graceMs = 0) => {
    if (stopping) return;
    stopping = true;
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      const terminate = setTimeout(() => server.kill('SIGTERM'), graceMs);
      const kill = setTimeout(() => server.kill('SIGKILL'), graceMs + 5000);
      await exited;
      clearTimeout(terminate);
      clearTimeout(kill);
    }
    await authServer.close().catch(() => undefined);
    console.log('\nStopped the MCP server and the local test authorization server.');
    process.exit(code);
  };
}

async function startAuthServer(
  port: number,
  options: { resourceId: string; serverUrl: string; scopes: string[] },
): Promise<LocalScalekit> {
  try {
    return await startLocalScalekit({ ...options, port, quiet: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const authServer = await startLocalScalekit({ ...options, port: 0, quiet: true });
    console.log(
      `Port ${port} is busy, so the local authorization server uses port ${authServer.port} instead ` +
        `(choose one with --auth-port or LOCAL_SCALEKIT_PORT).`,
    );
    return authServer;
  }
}

/** MCP_SERVER_URL from the environment or .env when it is on this machine; otherwise the local default. */
function localMcpUrl(): URL {
  const configured = process.env.MCP_SERVER_URL?.trim() || readDotEnv().MCP_SERVER_URL?.trim();
  const url = configured && URL.canParse(configured) ? new URL(configured) : undefined;
  if (url && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (configured)
    console.log(`MCP_SERVER_URL is ${configured}, not a local http URL: serving ${DEFAULT_MCP_URL} instead.`);
  return new URL(DEFAULT_MCP_URL);
}

function readDotEnv(): Record<string, string | undefined> {
  try {
    return parseEnv(readFileSync(new URL('../.env', import.meta.url), 'utf8'));
  } catch {
    return {};
  }
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_AUTH_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--auth-port / LOCAL_SCALEKIT_PORT must be a port number (0-65535), got "${value}".`);
  }
  return port;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** tsx's CLI script, run with this Node binary: no shell, same behaviour on every OS. */
function tsxCli(): string {
  return createRequire(import.meta.url).resolve('tsx/cli');
}

/** True once the server answers; false if it has not after 30 s (it may be waiting for a fix in watch mode). */
async function waitForHealth(url: string, server: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && server.exitCode === null && !stopping) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function projectName(): string {
  try {
    const { name } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name?: unknown;
    };
    return typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : 'my-mcp-server';
  } catch {
    return 'my-mcp-server';
  }
}

function nextSteps(authServer: LocalScalekit, url: string, scopes: string[], up: boolean): string {
  const rule = '='.repeat(78);
  return `
${rule}
 LOCAL TRY-OUT MODE - NOT SCALEKIT, NOT FOR PRODUCTION
 Sign-in is served by a local TEST authorization server with no passwords:
 anyone on this machine can sign in as anyone. Use it to try the server only.
${rule}

 MCP server                   ${url}${up ? '' : '   (not answering yet: see its output above)'}
 Local authorization server   ${authServer.url}   (resource ${authServer.resourceId})
 Scopes                       ${scopes.join(', ') || '(none)'}   (from src/mcp-oauth/tool-scopes.ts)

 Connect MCP Inspector:
   npx @modelcontextprotocol/inspector
   Transport "Streamable HTTP", URL ${url}
   then Open Auth Settings > Quick OAuth Flow, and Connect.

 Connect Claude Code:
   claude mcp add --transport http ${projectName()} ${url}
   then run /mcp in Claude Code and choose Authenticate.

 The sign-in page asks for any user name and which scopes to grant: untick one to
 see the server answer 403 insufficient_scope and the host ask for it (step-up).
 Everything is in memory: after a restart, hosts must sign in again.

 Press Ctrl+C to stop both servers.
`;
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(1);
});
