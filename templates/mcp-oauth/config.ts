/**
 * Server configuration, read from environment variables once at start-up and validated as a whole:
 * a misconfigured deployment fails before it listens, with every problem listed at once.
 * Nothing here talks to Scalekit, so the server starts even when Scalekit is unreachable. The variables come
 * in as a plain record (Node's `process.env`, see node.ts; a Worker's `env`), so this runs on any runtime.
 */
import { isLoopbackHostname, scalekitEndpoints, type ScalekitEndpoints } from './auth/scalekit.js';

export interface ServerConfig {
  /** Canonical public URL of the MCP endpoint, exactly as clients connect to it (the PRM `resource`). */
  mcpServerUrl: URL;
  /** Path the MCP endpoint is mounted at (the path of `mcpServerUrl`). */
  mcpPath: string;
  scalekit: ScalekitEndpoints;
  /** Also require `mcpServerUrl` in `aud` (set when Scalekit's "Server URL" is registered). */
  serverUrlInAudience: boolean;
  port: number;
  host: string;
  /** Hostnames accepted in the `Host` header (DNS-rebinding protection). */
  allowedHosts: string[];
  /** Hostnames accepted in a browser's `Origin` header on the MCP endpoint. */
  allowedOrigins: string[];
  /** Seconds to wait after a key-set fetch before an unknown `kid` may trigger another one. */
  jwksCooldownSeconds: number;
  /** Seconds in-flight requests get to finish after SIGTERM/SIGINT before their connections are cut. */
  shutdownTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Written by create-mcp-oauth when the user had no Scalekit values yet; never valid. */
const PLACEHOLDER_MARKER = /replace[-_]me/i;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** Characters allowed in the MCP path: they are literal in every router's path syntax. */
const SAFE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/** Environment variables by name, from whatever the runtime provides. */
export type Environment = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Environment): ServerConfig {
  const problems: string[] = [];
  const required = (name: string, hint: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set. ${hint}`);
    else if (PLACEHOLDER_MARKER.test(value)) problems.push(`${name} is still the placeholder "${value}". ${hint}`);
    return value ?? '';
  };

  const environmentUrl = parseUrl(
    'SCALEKIT_ENVIRONMENT_URL',
    required(
      'SCALEKIT_ENVIRONMENT_URL',
      'Copy it from the Scalekit dashboard > Settings > API credentials (e.g. https://acme.scalekit.com).',
    ),
    problems,
  );
  if (environmentUrl && (environmentUrl.pathname !== '/' || environmentUrl.search || environmentUrl.hash)) {
    problems.push(
      `SCALEKIT_ENVIRONMENT_URL must be the bare environment URL (like ${environmentUrl.origin}), without a path.`,
    );
  }

  const resourceId = required(
    'SCALEKIT_RESOURCE_ID',
    'Copy it from the Scalekit dashboard > MCP Servers > your server (it starts with res_).',
  );
  if (resourceId && !PLACEHOLDER_MARKER.test(resourceId) && !/^res_[A-Za-z0-9]+$/.test(resourceId)) {
    problems.push(
      `SCALEKIT_RESOURCE_ID "${resourceId}" does not look like a Scalekit resource id (res_ followed by letters and digits).`,
    );
  }

  const mcpServerUrl = parseUrl(
    'MCP_SERVER_URL',
    required(
      'MCP_SERVER_URL',
      'Set it to the public URL of the MCP endpoint, exactly as clients connect (e.g. https://mcp.example.com/mcp).',
    ),
    problems,
  );
  if (mcpServerUrl) {
    if (mcpServerUrl.search || mcpServerUrl.hash)
      problems.push('MCP_SERVER_URL must not have a query string or fragment.');
    else if (mcpServerUrl.pathname.endsWith('/')) {
      problems.push(
        `MCP_SERVER_URL must not end with "/" (clients compare it character for character): use ${mcpServerUrl.href.replace(/\/+$/, '')}.`,
      );
    } else if (!SAFE_PATH.test(mcpServerUrl.pathname)) {
      problems.push('MCP_SERVER_URL needs a path made of letters, digits and . _ ~ - (e.g. /mcp).');
    }
  }

  const port = parsePort(env['PORT'], problems);
  const serverUrlInAudience = parseBoolean('MCP_SERVER_URL_IN_AUDIENCE', env['MCP_SERVER_URL_IN_AUDIENCE'], problems);
  const jwksCooldownSeconds = parseNonNegative('JWKS_COOLDOWN_SECONDS', env['JWKS_COOLDOWN_SECONDS'], 30, problems);
  const shutdownTimeoutSeconds = parseNonNegative(
    'SHUTDOWN_TIMEOUT_SECONDS',
    env['SHUTDOWN_TIMEOUT_SECONDS'],
    10,
    problems,
  );

  if (problems.length > 0 || !environmentUrl || !mcpServerUrl) throw new ConfigError(problems);

  const local = isLoopbackHostname(mcpServerUrl.hostname);
  const publicHost = mcpServerUrl.hostname;
  return {
    mcpServerUrl,
    mcpPath: mcpServerUrl.pathname,
    scalekit: scalekitEndpoints(environmentUrl.origin, resourceId),
    serverUrlInAudience,
    port,
    // Serving localhost: bind loopback only, so nothing else on the network can reach a dev server.
    host: env['HOST']?.trim() || (local ? '127.0.0.1' : '0.0.0.0'),
    allowedHosts: list(env['ALLOWED_HOSTS']) ?? unique([publicHost, ...(local ? LOOPBACK_HOSTS : [])]),
    allowedOrigins: list(env['ALLOWED_ORIGINS']) ?? unique([publicHost, ...(local ? LOOPBACK_HOSTS : [])]),
    jwksCooldownSeconds,
    shutdownTimeoutSeconds,
  };
}

function parseUrl(name: string, value: string, problems: string[]): URL | undefined {
  if (!value || PLACEHOLDER_MARKER.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name} "${value}" is not an absolute URL.`);
    return undefined;
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHostname(url.hostname)) return url;
  problems.push(`${name} must use https (plain http is only allowed for localhost): got "${value}".`);
  return undefined;
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT "${value}" is not a port number (0-65535).`);
  return port;
}

function parseBoolean(name: string, value: string | undefined, problems: string[]): boolean {
  if (value === undefined || value.trim() === '') return false;
  if (/^(true|1|yes)$/i.test(value.trim())) return true;
  if (/^(false|0|no)$/i.test(value.trim())) return false;
  problems.push(`${name} must be true or false, got "${value}".`);
  return false;
}

function parseNonNegative(name: string, value: string | undefined, fallback: number, problems: string[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) problems.push(`${name} must be a number of seconds, got "${value}".`);
  return number;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
