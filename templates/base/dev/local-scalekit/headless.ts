// Completes the local server's login + consent without a browser: follows the
// redirect chain with a private cookie jar, fills in the login form and
// "clicks" Allow (or Deny), and returns the final redirect back to the client.

export interface HeadlessLoginOptions {
  /** User name or email to sign in as (default: the form's prefilled `demo@example.com`). */
  user?: string;
  /** Scopes the user leaves ticked; the rest are refused (default: everything requested). */
  grantScopes?: string[];
  /** Click "Deny" instead of "Allow": the client gets `error=access_denied`. */
  deny?: boolean;
  /** Share one cookie jar between calls to act as the same browser (default: a fresh jar). */
  cookieJar?: Map<string, string>;
}

const MAX_STEPS = 20;

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`${name}="([^"]*)"`).exec(tag);
  return match?.[1]?.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** Reads the login form the local server renders: its action, prefilled user and offered scopes. */
function parseLoginForm(html: string, pageUrl: URL) {
  const formTag = /<form\b[^>]*>/.exec(html)?.[0];
  if (!formTag) return undefined;
  const action = new URL(attribute(formTag, 'action') ?? pageUrl.href, pageUrl);
  const userTag = /<input\b[^>]*name="user"[^>]*>/.exec(html)?.[0];
  const offered = [...html.matchAll(/<input\b[^>]*name="scope"[^>]*>/g)]
    .map((m) => attribute(m[0], 'value'))
    .filter((value): value is string => value !== undefined);
  return { action, user: userTag ? attribute(userTag, 'value') : undefined, offered };
}

function errorFromPage(html: string): string {
  const error = /id="error">([^<]*)</.exec(html)?.[1];
  const description = /id="error_description">([^<]*)</.exec(html)?.[1];
  return error ? `${error}${description ? `: ${description}` : ''}` : html.slice(0, 300);
}

/**
 * Drives an authorization URL of the local test server to its end and resolves with
 * the URL the server finally redirects to (the client's redirect_uri with `code` and
 * `state`, or with `error`). The redirect_uri itself is never fetched.
 */
export async function completeLoginHeadlessly(
  authorizationUrl: string | URL,
  opts: HeadlessLoginOptions = {},
): Promise<URL> {
  const start = new URL(authorizationUrl);
  const jar = opts.cookieJar ?? new Map<string, string>();
  let url = start;
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });

    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) jar.delete(name);
      else jar.set(name, value);
    }

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      // Leaving the authorization server: this is the redirect back to the client.
      if (next.origin !== start.origin) return next;
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }

    const html = await response.text();
    const form = response.status === 200 ? parseLoginForm(html, url) : undefined;
    if (!form) {
      throw new Error(`local-scalekit: authorization failed (HTTP ${response.status}): ${errorFromPage(html)}`);
    }
    if (form.action.origin !== start.origin) {
      throw new Error(
        'local-scalekit: unexpected form posting to the client (response_mode=form_post is not supported here)',
      );
    }
    body = new URLSearchParams({ user: opts.user ?? form.user ?? 'demo@example.com' });
    const granted = opts.grantScopes ?? form.offered;
    for (const scope of form.offered.filter((s) => granted.includes(s))) body.append('scope', scope);
    body.set('action', opts.deny ? 'deny' : 'allow');
    url = form.action;
    method = 'POST';
  }
  throw new Error(`local-scalekit: gave up after ${MAX_STEPS} redirects`);
}
