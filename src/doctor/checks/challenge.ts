/**
 * Step 1: what a host sees before it has a token. It sends `initialize` with no credentials and expects
 * `401` + `WWW-Authenticate: Bearer resource_metadata="…", scope="…"`; everything else in OAuth discovery
 * starts from that header.
 */
import type { DoctorContext } from '../context.js';
import { describeOutcome, excerpt, safeUrl, type HttpOutcome, type HttpResponse } from '../http.js';
import { initializeBody, mcpHeaders, requestBody, untilResponse } from '../mcp-protocol.js';
import { fail, pass, skip, warn, type Check } from '../report.js';
import { ENV } from '../scalekit.js';
import {
  findChallenge,
  parseWwwAuthenticate,
  splitScopes,
  type Challenge,
  type ParsedWwwAuthenticate,
} from '../www-authenticate.js';

export interface ChallengeFindings {
  outcome: HttpOutcome;
  /** The Bearer challenge of the unauthenticated 401, when there is one. */
  bearer?: Challenge;
  resourceMetadataUrl?: URL;
  scope?: string;
}

const step = 'challenge' as const;

const TITLES = {
  'challenge.status': 'An unauthenticated initialize is refused with 401',
  'challenge.www-authenticate': 'The 401 carries a Bearer WWW-Authenticate challenge',
  'challenge.resource-metadata': 'The challenge points to the Protected Resource Metadata (resource_metadata)',
  'challenge.scope': 'The challenge names the scopes to request (scope)',
  'challenge.invalid-token': 'An invalid token gets 401 with error="invalid_token"',
  'challenge.other-methods': 'GET and DELETE without a token are refused',
} as const;

/** A token no authorization server issued; sending it tests the invalid-token path. It is not a credential. */
const BOGUS_TOKEN = 'doctor.invalid-token.signature';

export async function runChallengeChecks(
  ctx: DoctorContext,
): Promise<{ checks: Check[]; findings: ChallengeFindings }> {
  const [initial, initializeWithBogusToken, get, del] = await Promise.all([
    // Read up to the answer: an unprotected server may keep its event stream open after it.
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'POST',
      headers: mcpHeaders(),
      body: initializeBody(1),
      readBody: untilResponse(1),
    }),
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'POST',
      headers: { ...mcpHeaders(), authorization: `Bearer ${BOGUS_TOKEN}` },
      body: initializeBody(1),
      readBody: untilResponse(1),
    }),
    // A GET opens an SSE stream on an unprotected server: read the status line only.
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'GET',
      headers: { accept: 'text/event-stream', 'mcp-protocol-version': mcpHeaders()['mcp-protocol-version']! },
      readBody: 'none',
    }),
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'DELETE',
      headers: {
        'mcp-session-id': 'doctor-unknown-session',
        'mcp-protocol-version': mcpHeaders()['mcp-protocol-version']!,
      },
    }),
  ]);

  // A server may answer initialize without a token and protect what follows (the official conformance suite's
  // step-up server does): hosts then start OAuth at the first 401, and that challenge is the one to check.
  const publicInitialize = await protectedAfterInitialize(ctx, initial);
  const challenged = publicInitialize?.unauthenticated ?? initial;
  const withBogusToken = publicInitialize?.withBogusToken ?? initializeWithBogusToken;

  const checks: Check[] = [];
  const findings: ChallengeFindings = { outcome: challenged };
  checks.push(
    publicInitialize
      ? publicInitializeCheck(ctx, initial, publicInitialize.unauthenticated)
      : statusCheck(ctx, initial, get),
  );

  if (challenged.kind !== 'response' || challenged.status !== 401) {
    const reason =
      challenged.kind === 'response'
        ? `the endpoint answered HTTP ${challenged.status}, not 401`
        : 'the endpoint did not answer';
    for (const id of ['challenge.www-authenticate', 'challenge.resource-metadata', 'challenge.scope'] as const) {
      checks.push(skip({ id, step, title: TITLES[id], seen: `not evaluated: ${reason} (see challenge.status)` }));
    }
  } else {
    const header = challenged.headers.get('www-authenticate');
    const parsed = header === null ? undefined : parseWwwAuthenticate(header);
    const bearer = parsed && findChallenge(parsed, 'bearer');
    checks.push(headerCheck(header, parsed, bearer));
    if (bearer) {
      findings.bearer = bearer;
      const metadata = resourceMetadataCheck(ctx, bearer);
      checks.push(metadata.check);
      findings.resourceMetadataUrl = metadata.url;
      findings.scope = bearer.params.scope;
      checks.push(scopeCheck(bearer));
    } else {
      for (const id of ['challenge.resource-metadata', 'challenge.scope'] as const) {
        checks.push(
          skip({
            id,
            step,
            title: TITLES[id],
            seen: 'not evaluated: no Bearer challenge (see challenge.www-authenticate)',
          }),
        );
      }
    }
  }

  if (initial.kind === 'response' && (initial.status === 404 || initial.status === 405)) {
    // POST is not served here at all: what a token changes cannot be told from that.
    for (const id of ['challenge.invalid-token', 'challenge.other-methods'] as const) {
      const seen = `not evaluated: POST is not served at this URL (HTTP ${initial.status}, see challenge.status)`;
      checks.push(skip({ id, step, title: TITLES[id], seen }));
    }
  } else if (initial.kind === 'response') {
    checks.push(invalidTokenCheck(withBogusToken));
    checks.push(otherMethodsCheck(get, del));
  } else {
    for (const id of ['challenge.invalid-token', 'challenge.other-methods'] as const) {
      checks.push(
        skip({
          id,
          step,
          title: TITLES[id],
          seen: 'not evaluated: the endpoint did not answer (see challenge.status)',
        }),
      );
    }
  }
  return { checks, findings };
}

/**
 * After an initialize served without a token: `tools/list` (in the session initialize opened, if any), without a
 * token and with a made-up one. Returns both answers when the first is a 401, i.e. the server protects the
 * operations after initialize; undefined when initialize was refused or nothing after it is protected either.
 */
async function protectedAfterInitialize(
  ctx: DoctorContext,
  initial: HttpOutcome,
): Promise<{ unauthenticated: HttpResponse; withBogusToken: HttpOutcome } | undefined> {
  if (initial.kind !== 'response' || initial.status < 200 || initial.status >= 300) return undefined;
  const sessionId = initial.headers.get('mcp-session-id');
  const headers = { ...mcpHeaders(), ...(sessionId ? { 'mcp-session-id': sessionId } : {}) };
  const listTools = (authorization?: string) =>
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'POST',
      headers: authorization ? { ...headers, authorization } : headers,
      body: requestBody(2, 'tools/list'),
      readBody: untilResponse(2),
    });
  // One after the other: the answer without a token decides everything else, and must not be lost to whatever a
  // made-up token does to the server.
  const unauthenticated = await listTools();
  if (unauthenticated.kind !== 'response' || unauthenticated.status !== 401) return undefined;
  return { unauthenticated, withBogusToken: await listTools(`Bearer ${BOGUS_TOKEN}`) };
}

function publicInitializeCheck(ctx: DoctorContext, initial: HttpOutcome, listed: HttpResponse): Check {
  return warn({
    id: 'challenge.status',
    step,
    title: TITLES['challenge.status'],
    seen:
      `POST ${ctx.mcpUrl.href} (initialize, no token): ${describeOutcome(initial)}\n` +
      `POST tools/list after it, no token: ${describeOutcome(listed)}\n` +
      'the checks below read the challenge of that 401',
    why:
      'Hosts built on the official SDK start OAuth at the first 401, here after connecting, so they work; hosts ' +
      'that sign in only while connecting show the server as connected, then fail. Anyone can also read what ' +
      'initialize tells (server name, version, instructions, capabilities).',
    fix:
      'Put the bearer-token check in front of every MCP request, initialize included, unless announcing the ' +
      'server publicly is intended.',
  });
}

function statusCheck(ctx: DoctorContext, outcome: HttpOutcome, get: HttpOutcome): Check {
  const id = 'challenge.status';
  const title = TITLES[id];
  if (outcome.kind !== 'response') {
    const timedOut = outcome.kind === 'timeout';
    return fail({
      id,
      step,
      title: timedOut ? 'MCP endpoint answers in time' : 'MCP endpoint is reachable',
      seen: `POST ${ctx.mcpUrl.href}: ${describeOutcome(outcome)}`,
      why: timedOut
        ? 'Hosts give up on servers that do not answer; nothing else can be checked without a response.'
        : 'Nothing can be checked until the MCP URL answers.',
      fix: timedOut
        ? 'Check the server is running and not blocked on startup (e.g. ' +
          'waiting on an upstream); raise --timeout for slow networks.'
        : 'Check the URL (scheme, host, port, path), that the server is running, ' +
          'and for a deployed server its DNS, TLS certificate and firewall.',
    });
  }
  const seen = `POST ${ctx.mcpUrl.href} (initialize, no token): ${describeOutcome(outcome)}`;
  const status = outcome.status;
  if (status === 401) {
    return pass({ id, step, title, seen, why: 'A 401 is what makes a host start the OAuth flow.' });
  }
  if (status >= 200 && status < 300) {
    return fail({
      id,
      step,
      title,
      seen,
      why:
        'The endpoint served an MCP request without any token: ' +
        'it is not protected, and hosts will never start OAuth.',
      fix:
        'Put the bearer-token check in front of every MCP route (POST, ' +
        'GET and DELETE), before the MCP transport handles the request.',
    });
  }
  if (status >= 300 && status < 400) {
    const location = outcome.headers.get('location') ?? '(no Location)';
    const target = safeUrl(location, ctx.mcpUrl);
    let why = 'The redirect leads nowhere a host can use: back to the same URL, or on to yet another redirect.';
    if (status !== 307 && status !== 308) {
      why = `A ${status} turns the POST into a GET (fetch's rule, as hosts do), so the initialize never arrives.`;
    } else if (target && target.origin !== ctx.mcpUrl.origin) {
      why = 'Hosts never carry the token to another origin (fetch drops the Authorization header on the way).';
    }
    return fail({
      id,
      step,
      title,
      seen: `${seen}, Location: ${location}`,
      why,
      fix:
        `Connect to the final URL directly (${location}) and set ${ENV.serverUrl} ` +
        `to it; a trailing slash or http→https redirect is the usual cause.`,
    });
  }
  if ((status === 404 || status === 405) && isLegacySseStream(get)) {
    return fail({
      id,
      step,
      title,
      seen: `${seen}; GET (text/event-stream): ${describeOutcome(get)}`,
      why:
        'This looks like the stream endpoint of the deprecated HTTP+SSE transport (2024-11-05): GET opens the ' +
        'stream and messages go to another URL. Doctor checks Streamable HTTP, the transport current hosts use; ' +
        'some fall back to HTTP+SSE after a 4xx on POST, others do not connect at all.',
      fix:
        "Serve Streamable HTTP (the SDK's StreamableHTTPServerTransport, POST/GET/DELETE on one path such as " +
        '/mcp) next to the old endpoints, and run doctor against that URL.',
    });
  }
  if (status === 404 || status === 405) {
    return fail({
      id,
      step,
      title,
      seen,
      why: 'There is no MCP endpoint at this path, so the server cannot be used at this URL.',
      fix:
        'Use the path the MCP endpoint is mounted at (generated ' +
        'servers serve /mcp) and make sure POST is routed there.',
    });
  }
  if (status === 403) {
    return fail({
      id,
      step,
      title,
      seen: `${seen}${bodyHint(outcome)}`,
      why: 'Hosts start OAuth only on 401; a 403 without a token ends the connection attempt.',
      fix:
        'Answer a missing token with 401. If the 403 comes from Host/Origin validation, ' +
        'allow the host name you connect with (a proxy or tunnel may change it).',
    });
  }
  return fail({
    id,
    step,
    title,
    seen: `${seen}${bodyHint(outcome)}`,
    why: 'Hosts start OAuth only on 401; any other status ends the connection attempt.',
    fix:
      status >= 500
        ? 'Read the server log for this request: the bearer check must ' +
          'answer a missing token with 401 before anything that can fail.'
        : 'Answer a request without a token with 401 and a WWW-Authenticate challenge.',
  });
}

function headerCheck(
  header: string | null,
  parsed: ParsedWwwAuthenticate | undefined,
  bearer: Challenge | undefined,
): Check {
  const id = 'challenge.www-authenticate';
  const title = TITLES[id];
  const why = 'Hosts read resource_metadata and scope from this header to find the authorization server.';
  if (header === null || !parsed) {
    return fail({
      id,
      step,
      title,
      seen: '401 without a WWW-Authenticate header',
      why: `${why} Without it, some clients probe well-known URLs and others give up.`,
      fix:
        'Send WWW-Authenticate: Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource<path>", ' +
        'scope="<scopes>" with every 401.',
    });
  }
  const seen = `WWW-Authenticate: ${excerpt(header, 240)}`;
  if (!bearer) {
    const schemes = parsed.challenges.map((challenge) => challenge.scheme).join(', ') || '(none)';
    return fail({
      id,
      step,
      title,
      seen: `${seen}\nschemes: ${schemes}`,
      why,
      fix: 'Use the Bearer scheme (RFC 6750): WWW-Authenticate: Bearer resource_metadata="…", scope="…".',
    });
  }
  const issues: string[] = [...parsed.problems];
  if (parsed.challenges[0] !== bearer) {
    issues.push(`the Bearer challenge is not the first one; the official SDK reads only the first challenge's scheme`);
  }
  if (issues.length > 0) {
    return warn({
      id,
      step,
      title,
      seen: `${seen}\n${issues.join('\n')}`,
      why:
        `${why} Clients parse it with simple patterns, so a ` +
        `malformed or unusual header is read differently by each.`,
      fix: 'Send exactly one challenge: Bearer resource_metadata="…", scope="…" with quoted values, separated by ", ".',
    });
  }
  return pass({ id, step, title, seen, why });
}

function resourceMetadataCheck(ctx: DoctorContext, bearer: Challenge): { check: Check; url?: URL } {
  const id = 'challenge.resource-metadata';
  const title = TITLES[id];
  const why = 'The official client fetches PRM from this URL (and only this URL when it is given).';
  const raw = bearer.params.resource_metadata;
  if (raw === undefined) {
    return {
      check: warn({
        id,
        step,
        title,
        seen: 'no resource_metadata parameter',
        why: `${why} Without it, clients fall back to guessing well-known URLs; 2025-06-18 clients require it.`,
        fix: `Add resource_metadata="${new URL(`/.well-known/oauth-protected-resource${ctx.mcpUrl.pathname.replace(/\/+$/, '')}`, ctx.mcpUrl.origin).href}" to the challenge.`,
      }),
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      check: fail({
        id,
        step,
        title,
        seen: `resource_metadata="${raw}" is not an absolute URL`,
        why,
        fix: 'Use the absolute URL of the PRM document, built from the public server URL.',
      }),
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      check: fail({
        id,
        step,
        title,
        seen: `resource_metadata="${raw}"`,
        why,
        fix: 'Use an https URL (http only for localhost).',
      }),
    };
  }
  if (url.origin !== ctx.mcpUrl.origin) {
    return {
      url,
      check: warn({
        id,
        step,
        title,
        seen: `resource_metadata="${raw}" is on ${url.origin}, but the MCP URL is on ${ctx.mcpUrl.origin}`,
        why:
          `${why} A different origin usually means the server builds it from ` +
          `a wrong base URL (localhost in production, http behind a TLS proxy).`,
        fix:
          `Set ${ENV.serverUrl} to the public MCP URL clients connect to ` +
          `(${ctx.mcpUrl.href}); never derive it from Host or X-Forwarded-* headers.`,
      }),
    };
  }
  return { url, check: pass({ id, step, title, seen: `resource_metadata="${raw}"`, why }) };
}

function scopeCheck(bearer: Challenge): Check {
  const id = 'challenge.scope';
  const title = TITLES[id];
  const why =
    'Clients request exactly the scopes named here (MCP scope ' +
    'selection); without them they guess from scopes_supported.';
  const scope = bearer.params.scope;
  const issues: string[] = [];
  const fixes: string[] = [];
  if (scope === undefined || splitScopes(scope).length === 0) {
    issues.push('no scope parameter');
    fixes.push('Add scope="<the scopes your tools need>" to the 401 challenge.');
  } else if (splitScopes(scope).includes('offline_access')) {
    issues.push('scope includes offline_access');
    fixes.push(
      'Leave offline_access out of challenges: refresh tokens ' +
        "are the authorization server's business, not the resource's.",
    );
  }
  if (bearer.params.error !== undefined) {
    issues.push(`error="${bearer.params.error}" on a request that carried no token`);
    fixes.push(
      'Omit error= when no token was sent (RFC 6750 §3.1); use error="invalid_token" only for a presented, bad token.',
    );
  }
  // What the challenge says, then each problem once ("no scope parameter" already says both).
  const seen = scope === undefined ? issues : [`scope="${scope}"`, ...issues];
  if (issues.length > 0) return warn({ id, step, title, seen: seen.join('\n'), why, fix: fixes.join(' ') });
  return pass({ id, step, title, seen: seen.join('\n'), why });
}

function invalidTokenCheck(outcome: HttpOutcome): Check {
  const id = 'challenge.invalid-token';
  const title = TITLES[id];
  const why =
    'A bad or expired token must get 401 so the host re-authenticates; ' +
    'a 500 or 200 breaks the flow or lets anyone in.';
  if (outcome.kind !== 'response') {
    return fail({
      id,
      step,
      title,
      seen: `POST with a made-up token: ${describeOutcome(outcome)}`,
      why,
      fix:
        outcome.kind === 'timeout'
          ? 'The token check must answer quickly; see the server log.'
          : 'The connection ended without an answer: the server may have crashed on the token (an error thrown ' +
            'by the verifier and not caught). See the server log; a failed verification must answer 401.',
    });
  }
  const seen = `POST with a made-up bearer token: ${describeOutcome(outcome)}`;
  if (outcome.status === 401) {
    const header = outcome.headers.get('www-authenticate');
    const bearer = header === null ? undefined : findChallenge(parseWwwAuthenticate(header), 'bearer');
    if (bearer?.params.error === 'invalid_token') {
      return pass({ id, step, title, seen: `${seen}, error="invalid_token"`, why });
    }
    return warn({
      id,
      step,
      title,
      seen: header === null ? `${seen} without WWW-Authenticate` : `${seen}, WWW-Authenticate: ${excerpt(header, 200)}`,
      why:
        'A presented-but-bad token should say so (error="invalid_token"), ' +
        'so hosts know to discard it and re-authenticate.',
      fix:
        'On a failed verification answer 401 with WWW-Authenticate: Bearer ' +
        'error="invalid_token", error_description="…", resource_metadata="…".',
    });
  }
  if (outcome.status >= 200 && outcome.status < 300) {
    return fail({
      id,
      step,
      title,
      seen,
      why,
      fix: 'Verify every token (signature against the JWKS, issuer, audience, expiry) before handling the request.',
    });
  }
  if (outcome.status >= 500) {
    return fail({
      id,
      step,
      title,
      seen: `${seen}${bodyHint(outcome)}`,
      why,
      fix:
        'Catch verification errors and answer 401 invalid_token (with the ' +
        'official SDK, throw its invalid-token OAuthError, not a plain Error).',
    });
  }
  return fail({ id, step, title, seen, why, fix: 'Answer an invalid token with 401 and error="invalid_token".' });
}

function otherMethodsCheck(get: HttpOutcome, del: HttpOutcome): Check {
  const id = 'challenge.other-methods';
  const title = TITLES[id];
  const why = 'The GET stream and session DELETE are MCP operations too; each needs a token.';
  const describe = (method: string, outcome: HttpOutcome) => `${method}: ${describeOutcome(outcome)}`;
  const seen = `${describe('GET', get)}; ${describe('DELETE', del)}`;
  const statuses = [get, del].map((outcome) => (outcome.kind === 'response' ? outcome.status : 0));
  if (statuses.some((status) => status >= 200 && status < 300)) {
    return fail({
      id,
      step,
      title,
      seen,
      why,
      fix: 'Apply the bearer check to every method on the MCP endpoint, not only POST.',
    });
  }
  // 405 is the transport saying "no such operation here"; it reveals nothing and the spec allows it for GET and DELETE.
  if (statuses.every((status) => status === 401 || status === 405)) {
    return pass({ id, step, title, seen, why });
  }
  return warn({
    id,
    step,
    title,
    seen,
    why,
    fix: 'Put the bearer check before method routing so every method without a token gets 401.',
  });
}

function bodyHint(outcome: HttpResponse): string {
  const body = excerpt(outcome.body, 120);
  return body ? ` (body: ${body})` : '';
}

/**
 * A 307 or 308 to another URL on the same origin: fetch follows it keeping the method, the body and the Authorization
 * header, so hosts built on fetch (the official SDK) reach the endpoint. A 301, 302 or 303 turns the POST into a GET,
 * and a redirect to another origin drops the token: those stay failures (challenge.status).
 */
export function followableRedirect(mcpUrl: URL, outcome: HttpOutcome): { target: URL; check: Check } | undefined {
  if (outcome.kind !== 'response' || (outcome.status !== 307 && outcome.status !== 308)) return undefined;
  const location = outcome.headers.get('location');
  const target = location ? safeUrl(location, mcpUrl) : undefined;
  if (!target || target.origin !== mcpUrl.origin || target.href === mcpUrl.href) return undefined;
  return {
    target,
    check: warn({
      id: 'challenge.redirect',
      step: 'challenge',
      title: 'The MCP URL answers without a redirect',
      seen:
        `POST ${mcpUrl.href} (initialize, no token): HTTP ${outcome.status} → ${target.href}\n` +
        `the checks below are for ${target.href}, where it leads`,
      why:
        'Hosts built on fetch (the official SDK) follow a same-origin 307/308 with the method, body and token, ' +
        'but every request costs a round trip, and browser hosts cannot connect at all: a CORS preflight is ' +
        'never redirected.',
      fix:
        `Connect hosts to ${target.href} and set ${ENV.serverUrl} to it, or serve the endpoint at ` +
        `${mcpUrl.pathname} without a redirect (a trailing slash is the usual cause).`,
    }),
  };
}

/** A GET that opens an event stream, or asks for a token first: an HTTP+SSE endpoint, not a missing one. */
function isLegacySseStream(get: HttpOutcome): boolean {
  if (get.kind !== 'response') return false;
  if (get.status === 401) return /^\s*bearer\b/i.test(get.headers.get('www-authenticate') ?? '');
  return get.status === 200 && (get.headers.get('content-type') ?? '').startsWith('text/event-stream');
}
