/**
 * What `create-mcp-oauth doctor <url>` accepts. A plain object so the CLI layer can map its flags onto it one to one:
 *
 *   --registration <dcr|cimd|both|preregistered>  --resource-id <res_…>  --token <jwt>  --token-env <NAME>
 *   --probe-tools  --client-id <id>  --client-secret <secret> | --client-secret-env <NAME>  --timeout <ms>
 *   --origin <browser origin>  --json
 */

export const REGISTRATION_MODES = ['dcr', 'cimd', 'both', 'preregistered'] as const;
/** How MCP clients are expected to register with the authorization server (Scalekit dashboard toggles). */
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export const DEFAULT_TIMEOUT_MS = 5_000;
/** The longest delay a Node.js timer takes (2³¹−1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** MCP Inspector's UI origin: the browser host people test with first. */
export const DEFAULT_BROWSER_ORIGIN = 'http://localhost:6274';
/** An origin no server should accept; `.invalid` can never resolve (RFC 6761). */
export const HOSTILE_ORIGIN = 'https://dns-rebinding.doctor.invalid';

export interface DoctorOptions {
  /** The MCP endpoint exactly as clients connect to it, e.g. `https://mcp.example.com/mcp`. */
  url: string;
  /** The registration mode the user expects the authorization server to offer. */
  registration?: RegistrationMode;
  /** Scalekit resource id (`res_…`); inferred from `authorization_servers[0]` (`…/resources/<res_id>`) when absent. */
  resourceId?: string;
  /** An access token for the server (never printed, only ever sent to `url`). */
  token?: string;
  /** Name of an environment variable holding the token (keeps it out of shell history). */
  tokenEnv?: string;
  /**
   * Call each listed tool with empty arguments to observe its scope challenge. Off by default: tools can have side
   * effects.
   */
  probeTools?: boolean;
  /**
   * With a client secret: fetch a machine token (client credentials) from the authorization server's token endpoint.
   */
  clientId?: string;
  clientSecret?: string;
  /** Name of an environment variable holding the client secret. */
  clientSecretEnv?: string;
  /** Per-request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Browser origin used for the CORS checks (default: MCP Inspector's `http://localhost:6274`). */
  origin?: string;
  /** Carried for the CLI's convenience; `runDoctor` ignores it (use `formatReport(report, { json: true })`). */
  json?: boolean;
}

export interface DoctorDeps {
  fetch?: typeof fetch;
  /** Milliseconds since the epoch (token expiry is judged against it). */
  now?: () => number;
  /** Where `tokenEnv` and `clientSecretEnv` are looked up (default `process.env`). */
  env?: Record<string, string | undefined>;
}

export function isRegistrationMode(value: string): value is RegistrationMode {
  return (REGISTRATION_MODES as readonly string[]).includes(value);
}

/**
 * Usage errors worth refusing before any request is made (the CLI should print them and exit 2).
 * `runDoctor` itself never throws on bad input; it reports a failed check instead.
 */
export function validateDoctorOptions(options: DoctorOptions): string[] {
  const errors: string[] = [];
  const url = parseMcpUrl(options.url);
  if (typeof url === 'string') errors.push(`<url>: ${url}`);
  if (options.registration !== undefined && !isRegistrationMode(options.registration)) {
    errors.push(`--registration must be one of ${REGISTRATION_MODES.join(', ')}`);
  }
  if (
    options.timeoutMs !== undefined &&
    (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0 || options.timeoutMs > MAX_TIMEOUT_MS)
  ) {
    errors.push(`--timeout must be a positive number of milliseconds, at most ${MAX_TIMEOUT_MS}`);
  }
  if (options.token !== undefined && options.tokenEnv !== undefined)
    errors.push('use either --token or --token-env, not both');
  if (options.clientSecret !== undefined && options.clientSecretEnv !== undefined) {
    errors.push('use either --client-secret or --client-secret-env, not both');
  }
  if ((options.clientSecret !== undefined || options.clientSecretEnv !== undefined) && !options.clientId) {
    errors.push('--client-secret needs --client-id');
  }
  if (options.clientId && options.clientSecret === undefined && options.clientSecretEnv === undefined) {
    errors.push('--client-id needs --client-secret or --client-secret-env');
  }
  if (
    (options.token !== undefined || options.tokenEnv !== undefined) &&
    (options.clientId || options.clientSecret !== undefined || options.clientSecretEnv !== undefined)
  ) {
    errors.push(
      'use either a token (--token/--token-env) or client credentials (--client-id with --client-secret-env), not both',
    );
  }
  if (options.origin !== undefined) {
    try {
      const origin = new URL(options.origin);
      if (origin.origin !== options.origin.replace(/\/$/, ''))
        errors.push('--origin must be a bare origin like http://localhost:6274');
    } catch {
      errors.push('--origin must be a bare origin like http://localhost:6274');
    }
  }
  return errors;
}

/** The MCP URL as a URL object, or a sentence saying what is wrong with it. Fragments are dropped (RFC 8707 §2). */
export function parseMcpUrl(raw: string): URL | string {
  // `localhost:3000/mcp` parses as a URL with the scheme "localhost:": say what is really missing.
  const schemeless = /^([a-z0-9.-]+|\[[0-9a-f:]+\])(:\d+)?(\/|$)/i.exec(raw.trim());
  if (schemeless && !/^https?$/i.test(schemeless[1]!)) {
    const local = /^(localhost|127\.0\.0\.1|\[::1\])$/i.test(schemeless[1]!);
    return `"${raw}" is not an absolute URL: add the scheme, e.g. ${local ? 'http' : 'https'}://${raw.trim()}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not an absolute URL (expected e.g. https://mcp.example.com/mcp)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${raw}" must be an http or https URL`;
  if (url.username || url.password) return 'the MCP URL must not contain credentials';
  url.hash = '';
  return url;
}
