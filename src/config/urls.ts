import { quoteInput, hasUnsafeCharacters } from './quote-input.js';
import { fail, ok, type Result } from './result.js';
import { PLACEHOLDER_ENV_URL } from '../core/types.js';

/** Hosts where plain http is acceptable: the developer's own machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A DNS label as URL parsing leaves it (lowercase): letters, digits and inner hyphens, at most 63 characters. */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Characters allowed in a path segment of the URLs we generate. Narrower than RFC 3986 on purpose:
 * these paths are written unquoted into `.env` and used as routes by Express and Hono, which treat
 * `%XX` escapes, `~` and sub-delimiters (`$ ' ( ) * , ; =` …) differently, or not at all.
 */
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;
const PATH_CHARACTERS = 'letters, digits, - . or _';

/** `scheme://authority/path…` as typed, before URL parsing normalises anything. */
const URL_SHAPE = /^(https?):\/\/([^/]*)(.*)$/i;

const DEFAULT_PORTS: Record<string, string> = { http: ':80', https: ':443' };

/**
 * An absolute http(s) URL, https unless loopback, without credentials, query or fragment, written
 * the way it will be used. URL parsing silently rewrites many inputs (tabs and newlines dropped,
 * `\` read as `/`, `%2e%2e` resolved as `..`, `127.1` as `127.0.0.1`, unicode hosts to xn--); each of
 * those is refused with the form to write instead, so the URL in `.env` is exactly what the user typed.
 * Shared by the base URL and the Scalekit environment URL.
 */
function parseServiceUrl(input: string, example: string): Result<URL> {
  const text = input.trim();
  const shown = quoteInput(text);
  if (text === '') return fail(`is empty; expected an absolute URL like ${example}`);
  if (/\s/.test(text) || hasUnsafeCharacters(text)) {
    return fail(`${shown} contains whitespace or control characters; expected an absolute URL like ${example}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`${shown} is not an absolute URL; expected something like ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`${shown} must start with https:// (got ${url.protocol})`);
  }
  const canonical = url.origin + withoutTrailingSlashes(url.pathname);
  const shape = URL_SHAPE.exec(text);
  if (!shape) return fail(`${shown} is not an absolute URL; write it as ${canonical}`);
  const [, scheme, authority, rawPath] = shape as unknown as [string, string, string, string];
  if (authority.includes('@') || url.username !== '' || url.password !== '') {
    return fail(`${shown} must not contain a user name or password`);
  }
  // `new URL` drops an empty "?" or "#", so look at the text as well.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    return fail(`${shown} must not contain a query (?…) or fragment (#…)`);
  }
  if (/[^\x21-\x7e]/.test(text)) {
    return fail(
      `${shown} contains non-ASCII characters; write the host in its ASCII form (${url.host}) and the path in ${PATH_CHARACTERS}`,
    );
  }
  const hostIsValid = url.hostname.startsWith('[') || url.hostname.split('.').every((label) => HOST_LABEL.test(label));
  if (!hostIsValid) {
    return fail(`${shown} has an invalid host name: use letters, digits and - between dots (e.g. mcp.example.com)`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return fail(`${shown} must use https:// (plain http is only allowed for localhost, 127.0.0.1 and [::1])`);
  }
  const pathProblem = checkPathSegments(withoutTrailingSlashes(rawPath), shown);
  if (pathProblem) return fail(pathProblem);
  const typedAuthority = authority.toLowerCase().replace(new RegExp(`${DEFAULT_PORTS[scheme.toLowerCase()]}$`), '');
  if (typedAuthority !== url.host) return fail(`${shown} would be read as ${canonical}; write that instead`);
  return ok(url);
}

/** Why a path (`/a/b`, or '' for none) is not acceptable, or `undefined` when it is. */
function checkPathSegments(path: string, shown: string): string | undefined {
  if (path === '') return undefined;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return `${shown} contains an empty segment (//)`;
    if (segment === '.' || segment === '..') return `${shown} must not contain . or .. path segments`;
    if (!PATH_SEGMENT.test(segment)) {
      return `${shown} contains characters not allowed in a URL path here (use ${PATH_CHARACTERS})`;
    }
  }
  return undefined;
}

function withoutTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

/**
 * The public base URL hosts use to reach the server. May carry a path prefix
 * (`https://example.com/api`); the trailing slash is dropped so `baseUrl + mcpPath` joins cleanly.
 */
export function validateBaseUrl(input: string): Result<string> {
  const parsed = parseServiceUrl(input, 'https://mcp.example.com');
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  return ok(url.origin + withoutTrailingSlashes(url.pathname));
}

/** The Scalekit environment URL: an origin only, because the SDK and discovery URLs are built from it. */
export function validateScalekitEnvUrl(input: string): Result<string> {
  // URL parsing lowercases the host; keep the placeholder byte-identical so everyone can recognise it.
  if (withoutTrailingSlashes(input.trim()).toLowerCase() === PLACEHOLDER_ENV_URL.toLowerCase()) {
    return ok(PLACEHOLDER_ENV_URL);
  }
  const parsed = parseServiceUrl(input, 'https://your-company.scalekit.com');
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  if (withoutTrailingSlashes(url.pathname) !== '') {
    return fail(`${quoteInput(input.trim())} must be the environment URL without a path; did you mean ${url.origin}?`);
  }
  return ok(url.origin);
}

/**
 * Path of the MCP endpoint: `/` is added when missing, trailing slashes are dropped,
 * and it must name a real sub-path (not `/`) made of plain segments.
 */
export function validateMcpPath(input: string): Result<string> {
  const text = input.trim();
  const shown = quoteInput(text);
  if (text === '') return fail('is empty; expected a path like /mcp');
  if (/[?#]/.test(text)) return fail(`${shown} must be a path only, without ? or #`);
  const path = withoutTrailingSlashes(text.startsWith('/') ? text : `/${text}`);
  if (path === '') return fail(`can't be "/" alone: the MCP endpoint needs its own path, e.g. /mcp`);
  const problem = checkPathSegments(path, shown);
  return problem ? fail(problem) : ok(path);
}

/** The URL clients connect to: base URL (which may have its own path prefix) plus the MCP path. */
export function joinMcpServerUrl(baseUrl: string, mcpPath: string): string {
  return baseUrl + mcpPath;
}
