import { fail, ok, type Result } from './result.js';
import { PLACEHOLDER_ENV_URL } from './types.js';

/** Hosts where plain http is acceptable: the developer's own machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An absolute http(s) URL, https unless loopback, without credentials, query or fragment.
 * Shared by the base URL and the Scalekit environment URL.
 */
function parseServiceUrl(input: string, example: string): Result<URL> {
  const text = input.trim();
  if (text === '') return fail(`is empty; expected an absolute URL like ${example}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`"${text}" is not an absolute URL; expected something like ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`"${text}" must start with https:// (got ${url.protocol}//)`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return fail(`"${text}" must use https:// (plain http is only allowed for localhost, 127.0.0.1 and [::1])`);
  }
  if (url.username !== '' || url.password !== '') {
    return fail(`"${text}" must not contain a user name or password`);
  }
  // `new URL` drops an empty "?" or "#", so look at the text as well.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    return fail(`"${text}" must not contain a query (?…) or fragment (#…)`);
  }
  return ok(url);
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
    return fail(`"${input.trim()}" must be the environment URL without a path; did you mean ${url.origin}?`);
  }
  return ok(url.origin);
}

/** Characters allowed in a path segment (RFC 3986 pchar), percent-escapes included. */
const PATH_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/**
 * Path of the MCP endpoint: `/` is added when missing, trailing slashes are dropped,
 * and it must name a real sub-path (not `/`) made of plain segments.
 */
export function validateMcpPath(input: string): Result<string> {
  const text = input.trim();
  if (text === '') return fail('is empty; expected a path like /mcp');
  if (/[?#]/.test(text)) return fail(`"${text}" must be a path only, without ? or #`);
  const path = withoutTrailingSlashes(text.startsWith('/') ? text : `/${text}`);
  if (path === '') return fail(`can't be "/" alone: the MCP endpoint needs its own path, e.g. /mcp`);
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return fail(`"${text}" contains an empty segment (//)`);
    if (segment === '.' || segment === '..') return fail(`"${text}" must not contain . or .. segments`);
    if (!PATH_SEGMENT.test(segment)) {
      return fail(`"${text}" contains characters not allowed in a URL path (use letters, digits, - . _ ~ or %XX escapes)`);
    }
  }
  return ok(path);
}

/** The URL clients connect to: base URL (which may have its own path prefix) plus the MCP path. */
export function joinMcpServerUrl(baseUrl: string, mcpPath: string): string {
  return baseUrl + mcpPath;
}
