/**
 * One way out to the network: fetch with a deadline, turned into a typed outcome instead of an exception, so every
 * check can say "timed out" or "unreachable" rather than crash. Redirects are never followed blindly: a client must
 * not carry an `Authorization` header to wherever a `Location` points, so credentialed requests see the 3xx itself.
 */
import type { CredentialGuard } from './guard.js';

export interface HttpResponse {
  kind: 'response';
  /** The URL that produced this response (after any same-origin redirects). */
  url: string;
  status: number;
  headers: Headers;
  /** Decoded body, possibly partial (see `truncated` and `bodyError`). Empty when the body was not read. */
  body: string;
  truncated: boolean;
  /** Set when the headers arrived but reading the body failed (e.g. timed out on a stream that never ended). */
  bodyError?: string;
  /** URLs that redirected to this one, in order. */
  redirects: string[];
  elapsedMs: number;
}

export interface HttpTimeout {
  kind: 'timeout';
  url: string;
  timeoutMs: number;
  elapsedMs: number;
}

export interface HttpUnreachable {
  kind: 'unreachable';
  url: string;
  /** e.g. `ECONNREFUSED`, `ENOTFOUND`, a TLS certificate error. */
  reason: string;
  elapsedMs: number;
}

/** The request could not be made (bad URL) or the answer was not HTTP. */
export interface HttpInvalid {
  kind: 'invalid';
  url: string;
  reason: string;
  elapsedMs: number;
}

export type HttpOutcome = HttpResponse | HttpTimeout | HttpUnreachable | HttpInvalid;

export type BodyMode =
  /** Read the whole body (up to `maxBytes`). */
  | 'full'
  /** Headers only: the body is cancelled (for a GET that might open an endless SSE stream). */
  | 'none'
  /** Read until the text so far satisfies the predicate, then stop (an SSE stream that stays open). */
  | { until: (textSoFar: string) => boolean };

export interface HttpRequest {
  url: URL | string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** `same-origin` follows up to 3 redirects within the origin, like the official SDK; only for uncredentialed GETs. */
  followRedirects?: 'none' | 'same-origin';
  readBody?: BodyMode;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpOutcome>;
  readonly timeoutMs: number;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

export function createHttpClient(options: {
  fetch: typeof fetch;
  timeoutMs: number;
  guard: CredentialGuard;
}): HttpClient {
  const { fetch: fetchImpl, timeoutMs, guard } = options;

  async function send(request: HttpRequest): Promise<HttpOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const requestedUrl = String(request.url);

    let url: URL;
    try {
      url = new URL(requestedUrl);
    } catch {
      return { kind: 'invalid', url: requestedUrl, reason: 'not a valid URL', elapsedMs: 0 };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { kind: 'invalid', url: url.href, reason: `unsupported protocol ${url.protocol}`, elapsedMs: 0 };
    }

    const headers = request.headers ?? {};
    const method = (request.method ?? 'GET').toUpperCase();
    const mayFollow = request.followRedirects === 'same-origin' && method === 'GET' && !hasAuthorization(headers);
    // One deadline for the whole exchange, redirects and body included: the user asked for a bound, not a per-hop one.
    const signal = AbortSignal.timeout(timeoutMs);
    const redirects: string[] = [];

    try {
      for (;;) {
        // Throws CredentialLeakError (a bug, never a network condition): deliberately not caught below.
        guard.assertAllowed(url, headers, request.body);
        const response = await fetchImpl(url, { method, headers, body: request.body, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (mayFollow && isRedirect(response.status) && location && redirects.length < MAX_REDIRECTS) {
          const target = safeUrl(location, url);
          if (target && target.origin === url.origin) {
            await response.body?.cancel().catch(() => {});
            redirects.push(url.href);
            url = target;
            continue;
          }
        }
        const { body, truncated, bodyError } = await readBody(response, request.readBody ?? 'full', signal);
        return {
          kind: 'response',
          url: url.href,
          status: response.status,
          headers: response.headers,
          body,
          truncated,
          bodyError,
          redirects,
          elapsedMs: elapsed(),
        };
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'CredentialLeakError') throw error;
      return classifyError(error, url.href, timeoutMs, elapsed(), signal);
    }
  }

  return { send, timeoutMs };
}

async function readBody(
  response: Response,
  mode: BodyMode,
  signal: AbortSignal,
): Promise<{ body: string; truncated: boolean; bodyError?: string }> {
  if (!response.body) return { body: '', truncated: false };
  if (mode === 'none') {
    await response.body.cancel().catch(() => {});
    return { body: '', truncated: false };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (bytes > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return { body: text, truncated: true };
      }
      if (typeof mode === 'object' && mode.until(text)) {
        // The answer we wanted has arrived; an SSE stream may stay open forever, so hang up.
        await reader.cancel().catch(() => {});
        return { body: text, truncated: false };
      }
    }
    text += decoder.decode();
    return { body: text, truncated: false };
  } catch (error) {
    await reader.cancel().catch(() => {});
    const reason = signal.aborted
      ? 'timed out while reading the response body'
      : `the response body broke off (${describeError(error)})`;
    return { body: text, truncated: false, bodyError: reason };
  }
}

function classifyError(
  error: unknown,
  url: string,
  timeoutMs: number,
  elapsedMs: number,
  signal: AbortSignal,
): HttpOutcome {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || (name === 'AbortError' && signal.aborted)) {
    return { kind: 'timeout', url, timeoutMs, elapsedMs };
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (code.startsWith('HPE_')) {
    return { kind: 'invalid', url, reason: `the answer is not valid HTTP (${code})`, elapsedMs };
  }
  if (cause) {
    return { kind: 'unreachable', url, reason: describeError(cause), elapsedMs };
  }
  if (error instanceof TypeError) {
    return { kind: 'invalid', url, reason: error.message, elapsedMs };
  }
  return { kind: 'unreachable', url, reason: describeError(error), elapsedMs };
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string' && !message.includes(code))
      return `${code}: ${message}`;
    if (typeof message === 'string' && message) return message;
    if (typeof code === 'string') return code;
  }
  return String(error);
}

function hasAuthorization(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** `value` resolved against `base` (a Location header), or undefined when it is not a URL. */
export function safeUrl(value: string, base: URL): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** A short human description of an outcome: `HTTP 401`, `timed out after 5000 ms`, `unreachable (ECONNREFUSED …)`. */
export function describeOutcome(outcome: HttpOutcome): string {
  switch (outcome.kind) {
    case 'response': {
      const redirected = outcome.redirects.length > 0 ? ` after redirect to ${outcome.url}` : '';
      const location = outcome.status >= 300 && outcome.status < 400 ? outcome.headers.get('location') : null;
      return `HTTP ${outcome.status}${redirected}${location ? ` → ${location} (not followed)` : ''}`;
    }
    case 'timeout':
      return `no answer within ${outcome.timeoutMs} ms (timed out)`;
    case 'unreachable':
      return `unreachable (${outcome.reason})`;
    case 'invalid':
      return `request failed: ${outcome.reason}`;
  }
}

/**
 * `describeOutcome` for a request that expected a JSON object and did not get one: a 2xx answer also says what it
 * was instead (`HTTP 200 but not a JSON object (text/html: <!doctype html>…)`), the usual catch-all page.
 */
export function describeMissingJson(outcome: HttpOutcome): string {
  const described = describeOutcome(outcome);
  if (outcome.kind !== 'response' || outcome.status < 200 || outcome.status >= 300) return described;
  const contentType = outcome.headers.get('content-type') ?? 'no content type';
  return `${described} but not a JSON object (${contentType}: ${excerpt(outcome.body, 60)})`;
}

/** Parses a JSON body; `undefined` when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Header values compared as comma-separated, case-insensitive lists (`Access-Control-*`, `Vary`). */
export function headerList(headers: Headers, name: string): string[] {
  return (headers.get(name) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item.length > 0);
}

/** Cuts a body for display: first line-ish, at most `max` characters. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '127.0.0.1' ||
    hostname === '[::1]' ||
    hostname === '::1'
  );
}
