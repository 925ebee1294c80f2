/**
 * Step 2: Protected Resource Metadata (RFC 9728), found the way the official client finds it: the challenge's
 * `resource_metadata` URL if there is one (and nothing else), otherwise the path-suffixed well-known URL, then the
 * root one. Then the fields a client acts on: `resource` (it must be same-origin and a path prefix of the URL the
 * client connected to), `authorization_servers`, `scopes_supported`; and CORS for browser hosts.
 */
import { SERVER_SILENT, wellKnownUrl, type DoctorContext } from '../context.js';
import {
  describeMissingJson,
  describeOutcome,
  excerpt,
  headerList,
  isJsonObject,
  isLoopbackHost,
  parseJson,
  type HttpOutcome,
} from '../http.js';
import { PROTOCOL_VERSION } from '../mcp-protocol.js';
import { fail, pass, skip, warn, type Check } from '../report.js';
import { DASHBOARD, ENV } from '../scalekit.js';
import { splitScopes } from '../www-authenticate.js';
import type { ChallengeFindings } from './challenge.js';

const step = 'prm' as const;

const PRM_TITLES = {
  'prm.challenge-url': 'PRM is served at the URL the challenge names',
  'prm.path-suffixed': 'PRM at the path-suffixed well-known URL',
  'prm.root': 'PRM at the root well-known URL',
  'prm.consistency': 'Every PRM location serves the same document',
  'prm.fields': 'PRM has the required fields',
  'prm.resource': 'PRM resource matches the MCP URL',
  'prm.scopes': "PRM lists the server's scopes (scopes_supported)",
  'prm.cors': 'PRM is readable from a browser (CORS)',
} as const;

export interface PrmLocation {
  url: URL;
  outcome: HttpOutcome;
  /** The JSON object served there (HTTP 2xx, parseable); undefined otherwise. */
  document?: Record<string, unknown>;
}

export interface PrmFindings {
  /** The document the official client would use, and where it came from. */
  effective?: PrmLocation;
  resource?: string;
  authorizationServer?: string;
  scopesSupported?: string[];
}

export interface WellKnownPrmFetches {
  suffixed?: { url: URL; outcome: Promise<HttpOutcome> };
  root: { url: URL; outcome: Promise<HttpOutcome> };
}

/** Starts the well-known fetches at once: they do not depend on the challenge, so they run alongside it. */
export function startWellKnownPrmFetches(ctx: DoctorContext): WellKnownPrmFetches {
  const root = wellKnownUrl('oauth-protected-resource', ctx.mcpUrl, false);
  const suffixed = wellKnownUrl('oauth-protected-resource', ctx.mcpUrl, true);
  return {
    root: { url: root, outcome: fetchMetadata(ctx, root) },
    suffixed: suffixed.href === root.href ? undefined : { url: suffixed, outcome: fetchMetadata(ctx, suffixed) },
  };
}

function fetchMetadata(ctx: DoctorContext, url: URL): Promise<HttpOutcome> {
  // The headers the official client sends with discovery requests.
  return ctx.http.send({
    url,
    headers: { accept: 'application/json', 'mcp-protocol-version': PROTOCOL_VERSION },
    followRedirects: 'same-origin',
  });
}

function toLocation(url: URL, outcome: HttpOutcome): PrmLocation {
  if (outcome.kind !== 'response' || outcome.status < 200 || outcome.status >= 300) return { url, outcome };
  const json = parseJson(outcome.body);
  return { url, outcome, document: isJsonObject(json) ? json : undefined };
}

function describeLocation(location: PrmLocation): string {
  if (location.document) return `${location.url.href}: served (${describeOutcome(location.outcome)})`;
  return `${location.url.href}: ${describeMissingJson(location.outcome)}`;
}

export async function runPrmChecks(
  ctx: DoctorContext,
  challenge: ChallengeFindings,
  wellKnown: WellKnownPrmFetches,
): Promise<{ checks: Check[]; findings: PrmFindings; cors: Promise<Check> }> {
  const [rootOutcome, suffixedOutcome] = await Promise.all([wellKnown.root.outcome, wellKnown.suffixed?.outcome]);
  const root = toLocation(wellKnown.root.url, rootOutcome);
  const suffixed =
    wellKnown.suffixed && suffixedOutcome ? toLocation(wellKnown.suffixed.url, suffixedOutcome) : undefined;

  let fromChallenge: PrmLocation | undefined;
  if (challenge.resourceMetadataUrl) {
    const url = challenge.resourceMetadataUrl;
    const same = [suffixed, root].find((location) => location?.url.href === url.href);
    fromChallenge = same ?? toLocation(url, await fetchMetadata(ctx, url));
  }

  // The official client: the challenge URL alone when given; else path-suffixed, falling back to root only when
  // that answer lets it. When the route fails we still evaluate a well-known document so the user learns the rest.
  const effective = [fromChallenge, suffixed, root].find((location) => location?.document);
  const anyClientRouteWorks = fromChallenge
    ? Boolean(fromChallenge.document)
    : Boolean(suffixed ? suffixed.document || (clientsFallBackAfter(suffixed) && root.document) : root.document);

  const checks: Check[] = [];
  if (
    challenge.outcome.kind !== 'response' &&
    ![fromChallenge, suffixed, root].some((location) => location?.outcome.kind === 'response')
  ) {
    const ids = [
      'prm.challenge-url',
      'prm.path-suffixed',
      'prm.root',
      'prm.consistency',
      'prm.fields',
      'prm.resource',
      'prm.scopes',
    ] as const;
    const silent = ids.map((id) => skip({ id, step, title: PRM_TITLES[id], seen: SERVER_SILENT }));
    return {
      checks: silent,
      findings: {},
      cors: Promise.resolve(skip({ id: 'prm.cors', step, title: PRM_TITLES['prm.cors'], seen: SERVER_SILENT })),
    };
  }
  checks.push(challengeUrlCheck(fromChallenge, challenge));
  checks.push(wellKnownCheck('prm.path-suffixed', suffixed, anyClientRouteWorks, ctx, Boolean(root.document)));
  checks.push(wellKnownCheck('prm.root', root, anyClientRouteWorks, ctx));
  checks.push(consistencyCheck([fromChallenge, suffixed, root]));

  const findings: PrmFindings = { effective };
  if (!effective?.document) {
    for (const id of ['prm.fields', 'prm.resource', 'prm.scopes'] as const) {
      checks.push(
        skip({ id, step, title: PRM_TITLES[id], seen: 'not evaluated: no Protected Resource Metadata was found' }),
      );
    }
    const cors = Promise.resolve(
      skip({
        id: 'prm.cors',
        step,
        title: PRM_TITLES['prm.cors'],
        seen: 'not evaluated: no Protected Resource Metadata was found',
      }),
    );
    return { checks, findings, cors };
  }

  const document = effective.document;
  const fields = fieldsCheck(document, effective.url);
  checks.push(fields.check);
  findings.resource = typeof document.resource === 'string' ? document.resource : undefined;
  findings.authorizationServer = fields.authorizationServer;
  checks.push(resourceCheck(ctx, document.resource));
  const scopes = scopesCheck(document.scopes_supported, challenge.scope);
  checks.push(scopes.check);
  findings.scopesSupported = scopes.scopes;
  return { checks, findings, cors: corsCheck(ctx, effective.url) };
}

function challengeUrlCheck(location: PrmLocation | undefined, challenge: ChallengeFindings): Check {
  const id = 'prm.challenge-url';
  const title = PRM_TITLES[id];
  if (!location) {
    const seen = challenge.bearer
      ? 'the challenge has no resource_metadata; clients probe the well-known URLs instead'
      : 'no challenge to follow (see step 1)';
    return skip({ id, step, title, seen });
  }
  const why = 'Given a resource_metadata URL, the official client fetches that URL only; if it fails, discovery fails.';
  if (location.document) return pass({ id, step, title, seen: describeLocation(location), why });
  return fail({
    id,
    step,
    title,
    seen: describeLocation(location),
    why,
    fix:
      `Serve the PRM document at that URL (unauthenticated), or make resource_metadata point to ` +
      `where it is served. The URL is usually built from ${ENV.serverUrl}: check it is the public URL.`,
  });
}

/**
 * Whether the official clients (v1 and v2 SDK) go on to the root well-known URL after this answer from the
 * path-suffixed one: only when it did not answer at all or answered 4xx. A 2xx that is not a PRM document, or a 5xx,
 * is taken as the answer, and discovery fails there.
 */
function clientsFallBackAfter(location: PrmLocation): boolean {
  const { outcome } = location;
  return outcome.kind !== 'response' || (outcome.status >= 400 && outcome.status < 500);
}

function wellKnownCheck(
  id: 'prm.path-suffixed' | 'prm.root',
  location: PrmLocation | undefined,
  anyClientRouteWorks: boolean,
  ctx: DoctorContext,
  rootServesPrm = false,
): Check {
  const title = PRM_TITLES[id];
  if (!location)
    return skip({ id, step, title, seen: 'the MCP URL has no path: the path-suffixed URL is the root URL' });
  const seen = describeLocation(location);
  const why =
    id === 'prm.root'
      ? 'Some clients only probe the root well-known URL.'
      : 'Clients without a resource_metadata hint probe this URL first.';
  if (location.document) return pass({ id, step, title, seen, why });
  const fix = `Serve the PRM document (no auth, CORS *) at ${location.url.href}${
    id === 'prm.root' ? '' : ` (the MCP path ` + `${ctx.mcpUrl.pathname} appended)`
  } as well as at the other well-known URL.`;
  if (anyClientRouteWorks) return warn({ id, step, title, seen, why, fix });
  const blocksFallback = id === 'prm.path-suffixed' && rootServesPrm && !clientsFallBackAfter(location);
  return fail({
    id,
    step,
    title,
    seen,
    why: blocksFallback
      ? `${why} Clients go on to the root URL only after a 4xx or no answer: this answer ends their discovery, ` +
        'so the PRM at the root is never read and OAuth discovery fails.'
      : `${why} No route a client takes leads to PRM, so OAuth discovery fails.`,
    fix: blocksFallback
      ? `${fix} If nothing is meant to be there, answer 404 (a single-page app's catch-all or an error page must ` +
        'not answer for /.well-known/).'
      : fix,
  });
}

function consistencyCheck(locations: Array<PrmLocation | undefined>): Check {
  const id = 'prm.consistency';
  const title = PRM_TITLES[id];
  const served = uniqueByUrl(locations.filter((location): location is PrmLocation => Boolean(location?.document)));
  if (served.length < 2)
    return skip({ id, step, title, seen: served.length === 1 ? 'served at one location only' : 'not served anywhere' });
  const why =
    'Different clients probe different locations; they must all see the same resource and authorization server.';
  const [first, ...rest] = served as [PrmLocation, ...PrmLocation[]];
  const differences: string[] = [];
  let critical = false;
  for (const other of rest) {
    for (const field of ['resource', 'authorization_servers', 'scopes_supported'] as const) {
      const a = JSON.stringify(first.document?.[field]);
      const b = JSON.stringify(other.document?.[field]);
      if (a !== b) {
        differences.push(`${field}: ${a} at ${first.url.pathname} but ${b} at ${other.url.pathname}`);
        if (field !== 'scopes_supported') critical = true;
      }
    }
  }
  if (differences.length === 0)
    return pass({
      id,
      step,
      title,
      seen: `identical at ${served.map((location) => location.url.pathname).join(' and ')}`,
      why,
    });
  const fields = {
    id,
    step,
    title,
    seen: differences.join('\n'),
    why,
    fix: 'Serve one document, built once from the same settings, at every location.',
  };
  return critical ? fail(fields) : warn(fields);
}

function uniqueByUrl(locations: PrmLocation[]): PrmLocation[] {
  const seen = new Set<string>();
  return locations.filter((location) => (seen.has(location.url.href) ? false : (seen.add(location.url.href), true)));
}

function fieldsCheck(document: Record<string, unknown>, source: URL): { check: Check; authorizationServer?: string } {
  const id = 'prm.fields';
  const title = PRM_TITLES[id];
  const why =
    'Clients need resource and authorization_servers to start OAuth; ' +
    "bearer_methods_supported and scopes_supported complete Scalekit's minimum set.";
  const failures: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];

  if (typeof document.resource !== 'string' || document.resource.length === 0) failures.push('resource is missing');

  let authorizationServer: string | undefined;
  const servers = document.authorization_servers;
  if (!Array.isArray(servers) || servers.length === 0) {
    failures.push('authorization_servers is missing or empty');
  } else if (typeof servers[0] !== 'string') {
    failures.push('authorization_servers[0] is not a string');
  } else {
    authorizationServer = servers[0];
    try {
      const url = new URL(servers[0]);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
        failures.push(
          `authorization_servers[0] (${servers[0]}) is not https: ` +
            `OAuth 2.1 clients refuse to send credentials without TLS`,
        );
      }
      if (url.search || url.hash)
        failures.push(`authorization_servers[0] (${servers[0]}) has a query or fragment (an issuer may not)`);
    } catch {
      failures.push(`authorization_servers[0] (${servers[0]}) is not an absolute URL`);
      authorizationServer = undefined;
    }
    if (servers.length > 1) notes.push(`${servers.length} authorization servers listed; clients use the first`);
  }

  const methods = document.bearer_methods_supported;
  if (methods === undefined) warnings.push('bearer_methods_supported is missing (expected ["header"])');
  else if (!Array.isArray(methods) || !methods.includes('header'))
    warnings.push(`bearer_methods_supported is ${JSON.stringify(methods)}, expected ["header"]`);
  else if (methods.includes('query'))
    warnings.push('bearer_methods_supported includes "query": tokens belong in the Authorization header only');

  if (document.resource_documentation === undefined) notes.push('resource_documentation is absent (optional)');

  const present = [
    'resource',
    'authorization_servers',
    'bearer_methods_supported',
    'scopes_supported',
    'resource_documentation',
  ].filter((field) => field in document);
  const seen = [`from ${source.href}: ${present.join(', ')}`, ...failures, ...warnings, ...notes].join('\n');
  const fix =
    `Serve the document from the dashboard's ${DASHBOARD.metadataJson}: {"resource": "<MCP URL>", ` +
    `"authorization_servers": ["<${ENV.environmentUrl}>/resources/<${ENV.resourceId}>"], ` +
    `"bearer_methods_supported": ["header"], "scopes_supported": [...]}.`;
  if (failures.length > 0) return { check: fail({ id, step, title, seen, why, fix }), authorizationServer };
  if (warnings.length > 0) return { check: warn({ id, step, title, seen, why, fix }), authorizationServer };
  return { check: pass({ id, step, title, seen, why }), authorizationServer };
}

/**
 * The official SDK's `checkResourceAllowed`: same origin, and the configured path is a path prefix of the requested
 * one.
 */
export function resourceAllows(connectedUrl: URL, resource: URL): boolean {
  if (connectedUrl.origin !== resource.origin) return false;
  if (connectedUrl.pathname.length < resource.pathname.length) return false;
  const requested = connectedUrl.pathname.endsWith('/') ? connectedUrl.pathname : `${connectedUrl.pathname}/`;
  const configured = resource.pathname.endsWith('/') ? resource.pathname : `${resource.pathname}/`;
  return requested.startsWith(configured);
}

function resourceCheck(ctx: DoctorContext, raw: unknown): Check {
  const id = 'prm.resource';
  const title = PRM_TITLES[id];
  const why =
    'The official client rejects PRM whose resource is not same-origin and a path prefix of the ' +
    'URL it connected to, and requests tokens for exactly this resource (the token audience).';
  const fix =
    `Set ${ENV.serverUrl} to exactly ${ctx.mcpUrl.href} (the URL clients connect to: same scheme, host ` +
    `and port, no trailing slash), and use the same value for the ${DASHBOARD.serverUrl} if you registered one.`;
  if (typeof raw !== 'string') return skip({ id, step, title, seen: 'no resource string (see prm.fields)' });
  let resource: URL;
  try {
    resource = new URL(raw);
  } catch {
    return fail({ id, step, title, seen: `resource "${raw}" is not an absolute URL`, why, fix });
  }
  const seen = `resource "${raw}", MCP URL "${ctx.mcpUrl.href}"`;
  if (resource.hash || raw.includes('#')) {
    return fail({ id, step, title, seen: `${seen}\nthe resource has a fragment (RFC 8707 forbids one)`, why, fix });
  }
  if (!resourceAllows(ctx.mcpUrl, resource)) {
    return fail({ id, step, title, seen: `${seen}\n${explainMismatch(ctx.mcpUrl, resource, raw)}`, why, fix });
  }
  if (raw === ctx.mcpUrl.href) return pass({ id, step, title, seen: `resource "${raw}" equals the MCP URL`, why });
  if (`${raw}/` === ctx.mcpUrl.href) {
    return pass({
      id,
      step,
      title,
      seen: `${seen}\n(you connected with a trailing slash; the canonical URL is ${raw})`,
      why,
    });
  }
  return warn({
    id,
    step,
    title,
    seen: `${seen}\nthe resource is a prefix of the MCP URL, not the MCP URL itself`,
    why:
      'Clients accept it, but tokens are then issued for the prefix: the server must validate ' +
      'that audience, and the Scalekit Server URL must match it (the canonical server URI is the exact MCP URL).',
    fix,
  });
}

function explainMismatch(connected: URL, resource: URL, raw: string): string {
  if (
    raw.endsWith('/') &&
    raw.slice(0, -1) === connected.href.replace(/\/$/, '') &&
    !connected.pathname.endsWith('/')
  ) {
    return (
      'trailing-slash trap: the resource ends with "/" but ' + 'the MCP URL does not, so the official client rejects it'
    );
  }
  if (connected.origin !== resource.origin) {
    const reasons: string[] = [];
    if (connected.protocol !== resource.protocol)
      reasons.push(
        `scheme ${resource.protocol} vs ${connected.protocol} (a ` +
          `TLS-terminating proxy in front of a server configured with http?)`,
      );
    if (connected.hostname !== resource.hostname) {
      const loopbackPair = isLoopbackHost(connected.hostname) && isLoopbackHost(resource.hostname);
      reasons.push(
        `host ${resource.hostname} vs ${connected.hostname}${
          loopbackPair ? ' (localhost and 127.0.0.1 are ' + 'different origins to a client)' : ''
        }`,
      );
    }
    if (connected.port !== resource.port)
      reasons.push(`port ${resource.port || '(default)'} vs ${connected.port || '(default)'}`);
    return `different origin: ${reasons.join('; ')}`;
  }
  return `the resource path ${resource.pathname} is not a path prefix of ${connected.pathname}`;
}

function scopesCheck(raw: unknown, challengeScope: string | undefined): { check: Check; scopes?: string[] } {
  const id = 'prm.scopes';
  const title = PRM_TITLES[id];
  const why =
    'Clients request these when the challenge names none; they ' +
    'must match the scopes configured on the authorization server.';
  const fix = `List every scope your tools use, as configured in ${DASHBOARD.scopes}, and nothing else.`;
  if (raw === undefined) return { check: warn({ id, step, title, seen: 'scopes_supported is missing', why, fix }) };
  if (!Array.isArray(raw) || raw.some((scope) => typeof scope !== 'string')) {
    return {
      check: fail({
        id,
        step,
        title,
        seen: `scopes_supported is ${excerpt(JSON.stringify(raw), 80)}, not an array of strings`,
        why,
        fix,
      }),
    };
  }
  const scopes = raw as string[];
  const issues: string[] = [];
  const fixes: string[] = [];
  if (scopes.length === 0) issues.push('scopes_supported is empty');
  if (scopes.includes('offline_access')) {
    issues.push('scopes_supported includes offline_access');
    fixes.push(
      'Remove offline_access: it is not a scope of this resource, and clients must not ask the resource for it.',
    );
  }
  const unknown = splitScopes(challengeScope).filter((scope) => !scopes.includes(scope));
  if (unknown.length > 0)
    issues.push(`the 401 challenge asks for ${unknown.join(', ')}, which scopes_supported does not list`);
  const seen = [`scopes_supported: ${scopes.join(' ') || '(none)'}`, ...issues].join('\n');
  if (issues.length > 0) return { scopes, check: warn({ id, step, title, seen, why, fix: [...fixes, fix].join(' ') }) };
  return { scopes, check: pass({ id, step, title, seen, why }) };
}

async function corsCheck(ctx: DoctorContext, url: URL): Promise<Check> {
  const id = 'prm.cors';
  const title = PRM_TITLES[id];
  const why =
    'Browser hosts (MCP Inspector, web clients) cannot read the metadata without Access-Control-Allow-Origin.';
  const fix =
    `Answer GET and OPTIONS on ${url.pathname} with Access-Control-Allow-Origin: *, ` +
    `Access-Control-Allow-Methods: GET, OPTIONS and Access-Control-Allow-Headers including MCP-Protocol-Version.`;
  const [get, preflight] = await Promise.all([
    ctx.http.send({
      url,
      headers: { accept: 'application/json', origin: ctx.browserOrigin, 'mcp-protocol-version': PROTOCOL_VERSION },
    }),
    ctx.http.send({
      url,
      method: 'OPTIONS',
      headers: {
        origin: ctx.browserOrigin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'mcp-protocol-version',
      },
    }),
  ]);
  if (get.kind !== 'response')
    return fail({ id, step, title, seen: `GET with Origin ${ctx.browserOrigin}: ${describeOutcome(get)}`, why, fix });
  const allowOrigin = get.headers.get('access-control-allow-origin');
  const originOk = allowOrigin === '*' || allowOrigin === ctx.browserOrigin;
  const seenLines = [
    `GET with Origin ${ctx.browserOrigin}: ${describeOutcome(get)}, ` +
      `Access-Control-Allow-Origin: ${allowOrigin ?? '(none)'}`,
  ];
  if (!originOk) return fail({ id, step, title, seen: seenLines.join('\n'), why, fix });

  if (preflight.kind !== 'response') {
    seenLines.push(`OPTIONS preflight: ${describeOutcome(preflight)}`);
  } else {
    const allowHeaders = headerList(preflight.headers, 'access-control-allow-headers');
    const preflightOk =
      preflight.status >= 200 &&
      preflight.status < 300 &&
      preflight.headers.get('access-control-allow-origin') !== null &&
      (allowHeaders.includes('*') || allowHeaders.includes('mcp-protocol-version'));
    seenLines.push(
      `OPTIONS preflight: ${describeOutcome(preflight)}, ` +
        `Access-Control-Allow-Headers: ${preflight.headers.get('access-control-allow-headers') ?? '(none)'}`,
    );
    if (preflightOk) return pass({ id, step, title, seen: seenLines.join('\n'), why });
  }
  return warn({
    id,
    step,
    title,
    seen: seenLines.join('\n'),
    why:
      'Browser clients send MCP-Protocol-Version with discovery requests, ' +
      'which needs a preflight; without one they must retry without the header.',
    fix,
  });
}
