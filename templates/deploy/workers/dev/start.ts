/**
 * `npm start` / `npm run dev`: the Worker on this machine with `wrangler dev` (workerd, no Cloudflare
 * account needed), driven like the Node server so scripts and CI need not know the difference:
 *   PORT, HOST                  where to listen (default: wrangler.jsonc `dev`, else 8787 on localhost)
 *   SCALEKIT_ENVIRONMENT_URL, SCALEKIT_RESOURCE_ID, MCP_SERVER_URL, MCP_SERVER_URL_IN_AUDIENCE,
 *   ALLOWED_HOSTS, ALLOWED_ORIGINS, JWKS_COOLDOWN_SECONDS
 *                               when set in the environment, they win over .dev.vars and wrangler.jsonc
 * Any other arguments go to `wrangler dev` as they are.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Worker's variables that may come from the process environment (see .dev.vars.example). */
const FORWARDED = [
  'SCALEKIT_ENVIRONMENT_URL',
  'SCALEKIT_RESOURCE_ID',
  'MCP_SERVER_URL',
  'MCP_SERVER_URL_IN_AUDIENCE',
  'ALLOWED_HOSTS',
  'ALLOWED_ORIGINS',
  'JWKS_COOLDOWN_SECONDS',
];

const args = ['dev', ...process.argv.slice(2)];
if (process.env.PORT) args.push('--port', process.env.PORT);
if (process.env.HOST) args.push('--ip', process.env.HOST);
// `--var` beats .dev.vars, which beats wrangler.jsonc `vars`.
for (const name of FORWARDED) {
  const value = process.env[name];
  if (value !== undefined) args.push('--var', `${name}:${value}`);
}

// wrangler's own launcher, run with this Node: no shell, the same on every OS.
const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
const child = spawn(process.execPath, [wrangler, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 1)));
