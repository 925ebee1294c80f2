/**
 * Step 3: the authorization server named by `authorization_servers[0]`. Its metadata is looked up where the official
 * client looks (RFC 8414 path insertion, then the OpenID variants) and where Scalekit serves it (`<issuer>/.well-known/
 * oauth-authorization-server`); then the issuer echo, PKCE, registration mode and the JWKS the server verifies
 * with.
 */
import { SERVER_SILENT, wellKnownUrl, type DoctorContext } from '../context.js';
import {
  describeMissingJson,
  describeOutcome,
  excerpt,
  isJsonObject,
  isLoopbackHost,
  parseJson,
  type HttpOutcome,
} from '../http.js';
import { PROTOCOL_VERSION } from '../mcp-protocol.js';
import type { RegistrationMode } from '../options.js';
import { fail, pass, skip, warn, type Check } from '../report.js';
import { DASHBOARD, ENV, parseScalekitAuthorizationServer } from '../scalekit.js';

const step = 'authorization-server' as const;

type LocationKind = 'rfc8414' | 'oidc-inserted' | 'oidc-appended' | 'scalekit';

interface MetadataLocation {
  kind: LocationKind;
  url: URL;
  outcome: HttpOutcome;
  document?: Record<string, unknown>;
}

export interface JwksKey {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
}

export interface AuthorizationServerFindings {
  metadataUrl?: string;
  metadata?: Record<string, unknown>;
  issuer?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  /** Keys published at jwks_uri (public halves only), when they could be read. */
  jwks?: JwksKey[];
}

const CHECK_TITLES = {
  'authorization-server.metadata': 'Authorization server metadata is discoverable',
  'authorization-server.issuer': 'issuer equals authorization_servers[0]',
  'authorization-server.endpoints': 'Authorization and token endpoints',
  'authorization-server.pkce': 'PKCE S256 is supported',
  'authorization-server.registration': 'Client registration matches the expected mode',
  'authorization-server.jwks': 'JWKS is reachable with RS256 signing keys',
} as const;

type AsCheckId = keyof typeof CHECK_TITLES;

export async function runAuthorizationServerChecks(
  ctx: DoctorContext,
  authorizationServer: string | undefined,
): Promise<{ checks: Check[]; findings: AuthorizationServerFindings }> {
  if (!authorizationServer) {
    return { checks: skipAll('not evaluated: no authorization server in the PRM (see step 2)'), findings: {} };
  }
  const asUrl = new URL(authorizationServer);
  const locations = await fetchMetadataLocations(ctx, asUrl);
  const sdkOrder = locations.filter((location) => location.kind !== 'scalekit');
  const scalekitLocation = locations.find((location) => location.kind === 'scalekit');
  const effective =
    sdkOrder.find((location) => location.document) ?? (scalekitLocation?.document ? scalekitLocation : undefined);

  const checks: Check[] = [metadataCheck(locations, effective)];
  if (!effective?.document) {
    return {
      checks: [
        ...checks,
        ...skipAll('not evaluated: no authorization server metadata', ['authorization-server.metadata']),
      ],
      findings: {},
    };
  }
  const metadata = effective.document;
  const findings: AuthorizationServerFindings = {
    metadataUrl: effective.url.href,
    metadata,
    issuer: typeof metadata.issuer === 'string' ? metadata.issuer : undefined,
    tokenEndpoint: typeof metadata.token_endpoint === 'string' ? metadata.token_endpoint : undefined,
    jwksUri: typeof metadata.jwks_uri === 'string' ? metadata.jwks_uri : undefined,
  };
  checks.push(issuerCheck(authorizationServer, effective, locations));
  checks.push(endpointsCheck(metadata));
  checks.push(pkceCheck(metadata));
  checks.push(registrationCheck(metadata, ctx.registration));
  const jwks = await jwksCheck(ctx, metadata.jwks_uri);
  checks.push(jwks.check);
  findings.jwks = jwks.keys;
  return { checks, findings };
}

function skipAll(seen: string, except: AsCheckId[] = []): Check[] {
  return (Object.keys(CHECK_TITLES) as AsCheckId[])
    .filter((id) => !except.includes(id))
    .map((id) => skip({ id, step, title: CHECK_TITLES[id], seen }));
}

async function fetchMetadataLocations(ctx: DoctorContext, asUrl: URL): Promise<MetadataLocation[]> {
  const path = asUrl.pathname.replace(/\/+$/, '');
  const candidates: Array<{ kind: LocationKind; url: URL }> = [
    { kind: 'rfc8414', url: wellKnownUrl('oauth-authorization-server', asUrl) },
  ];
  if (path) {
    candidates.push(
      { kind: 'oidc-inserted', url: new URL(`/.well-known/openid-configuration${path}`, asUrl.origin) },
      { kind: 'oidc-appended', url: new URL(`${path}/.well-known/openid-configuration`, asUrl.origin) },
      { kind: 'scalekit', url: new URL(`${path}/.well-known/oauth-authorization-server`, asUrl.origin) },
    );
  } else {
    candidates.push({ kind: 'oidc-inserted', url: new URL('/.well-known/openid-configuration', asUrl.origin) });
  }
  return Promise.all(
    candidates.map(async ({ kind, url }) => {
      const outcome = await ctx.http.send({
        url,
        headers: { accept: 'application/json', 'mcp-protocol-version': PROTOCOL_VERSION },
        followRedirects: 'same-origin',
      });
      const json =
        outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300
          ? parseJson(outcome.body)
          : undefined;
      return { kind, url, outcome, document: isJsonObject(json) ? json : undefined };
    }),
  );
}

function metadataCheck(locations: MetadataLocation[], effective: MetadataLocation | undefined): Check {
  const id = 'authorization-server.metadata';
  const title = CHECK_TITLES[id];
  const seen = locations
    .map((location) => `${location.url.href}: ${location.document ? 'served' : describeMissingJson(location.outcome)}`)
    .join('\n');
  const why = 'Clients read the authorize, token and registration endpoints from this metadata.';
  if (!effective) {
    return fail({
      id,
      step,
      title,
      seen,
      why,
      fix:
        `authorization_servers[0] must be the issuer URL from the dashboard's ${DASHBOARD.metadataJson} (for ` +
        `Scalekit: ${ENV.environmentUrl} + "/resources/" + ` +
        `${ENV.resourceId}, no trailing slash on the environment URL).`,
    });
  }
  if (effective.kind === 'scalekit') {
    return warn({
      id,
      step,
      title,
      seen,
      why:
        'Spec-following clients (including the official MCP SDK) look only at the RFC 8414 and OpenID ' +
        'locations; this metadata is only at the issuer-appended location, so they may not find it.',
      fix:
        'Serve RFC 8414 metadata at the path-inserted location too (some Scalekit environments ' +
        'do); check authorization_servers[0] is exactly the issuer from the dashboard.',
    });
  }
  // The official client aborts discovery on a 5xx (other than 502) at an earlier location.
  const before = locations.slice(0, locations.indexOf(effective)).filter((location) => location.kind !== 'scalekit');
  const aborting = before.find(
    (location) =>
      location.outcome.kind === 'response' && location.outcome.status >= 500 && location.outcome.status !== 502,
  );
  if (aborting) {
    return warn({
      id,
      step,
      title,
      seen,
      why: 'The official client stops discovery at the first HTTP 500 instead of trying the next location.',
      fix: `Make ${aborting.url.href} answer 404 (or the metadata) instead of a server error.`,
    });
  }
  return pass({ id, step, title, seen, why });
}

function issuerCheck(authorizationServer: string, effective: MetadataLocation, locations: MetadataLocation[]): Check {
  const id = 'authorization-server.issuer';
  const title = CHECK_TITLES[id];
  const why =
    'RFC 8414 §3.3: clients reject metadata whose issuer differs from the URL they ' +
    'looked up, character for character (IssuerMismatchError in the official client).';
  const issuer = effective.document?.issuer;
  const others = locations
    .filter((location) => location !== effective && location.document && location.document.issuer !== issuer)
    .map((location) => `${location.url.href} says issuer "${String(location.document?.issuer)}"`);
  const seenLines = [
    `authorization_servers[0]: "${authorizationServer}"`,
    `issuer: ${typeof issuer === 'string' ? `"${issuer}"` : '(missing)'} (from ${effective.url.href})`,
    ...others,
  ];
  const scalekit = parseScalekitAuthorizationServer(typeof issuer === 'string' ? issuer : authorizationServer);
  const fix = scalekit
    ? `Put the issuer exactly into authorization_servers[0]: "${String(issuer)}" (for Scalekit it is ` +
      `${ENV.environmentUrl} + "/resources/" + ${ENV.resourceId}; no trailing slash, not the bare environment URL).`
    : `Put the issuer exactly into authorization_servers[0]: "${String(issuer)}".`;
  if (issuer === authorizationServer) {
    if (others.length > 0)
      return warn({
        id,
        step,
        title,
        seen: seenLines.join('\n'),
        why,
        fix: 'Every metadata location of this authorization server should state the same issuer.',
      });
    return pass({ id, step, title, seen: seenLines.join('\n'), why });
  }
  if (authorizationServer.endsWith('/') && issuer === authorizationServer.slice(0, -1)) {
    return warn({
      id,
      step,
      title,
      seen:
        `${seenLines.join('\n')}\nonly a trailing slash differs ` +
        `(the official client tolerates this one case; others do not)`,
      why,
      fix,
    });
  }
  return fail({ id, step, title, seen: seenLines.join('\n'), why, fix });
}

function isSecureEndpoint(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}

function endpointsCheck(metadata: Record<string, unknown>): Check {
  const id = 'authorization-server.endpoints';
  const title = CHECK_TITLES[id];
  const why =
    'Clients send users to authorization_endpoint and exchange ' +
    'codes at token_endpoint; both must be absolute https URLs.';
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (metadata[field] === undefined) failures.push(`${field} is missing`);
    else if (!isSecureEndpoint(metadata[field]))
      failures.push(`${field} ${JSON.stringify(metadata[field])} is not an absolute https URL`);
  }
  const responseTypes = metadata.response_types_supported;
  if (Array.isArray(responseTypes) && !responseTypes.includes('code'))
    warnings.push(`response_types_supported ${JSON.stringify(responseTypes)} lacks "code"`);
  const grants = metadata.grant_types_supported;
  if (Array.isArray(grants) && !grants.includes('authorization_code'))
    warnings.push(`grant_types_supported ${JSON.stringify(grants)} lacks "authorization_code"`);
  const seen = [
    `authorization_endpoint: ${String(metadata.authorization_endpoint ?? '(missing)')}`,
    `token_endpoint: ${String(metadata.token_endpoint ?? '(missing)')}`,
    ...failures.filter((line) => !line.endsWith('is missing')),
    ...warnings,
  ].join('\n');
  const fix =
    'Check authorization_servers[0] points at the right authorization ' +
    'server; these endpoints come from its metadata, not from the MCP server.';
  if (failures.length > 0) return fail({ id, step, title, seen, why, fix });
  if (warnings.length > 0) return warn({ id, step, title, seen, why, fix });
  return pass({ id, step, title, seen, why });
}

function pkceCheck(metadata: Record<string, unknown>): Check {
  const id = 'authorization-server.pkce';
  const title = CHECK_TITLES[id];
  const why = 'MCP clients must use PKCE S256 and must refuse to proceed when the metadata does not advertise it.';
  const methods = metadata.code_challenge_methods_supported;
  const seen = `code_challenge_methods_supported: ${methods === undefined ? '(missing)' : JSON.stringify(methods)}`;
  if (Array.isArray(methods) && methods.includes('S256')) return pass({ id, step, title, seen, why });
  return fail({
    id,
    step,
    title,
    seen,
    why,
    fix:
      'Use an authorization server that supports PKCE S256 and ' +
      'lists it in code_challenge_methods_supported (Scalekit does).',
  });
}

function registrationCheck(metadata: Record<string, unknown>, expected: RegistrationMode | undefined): Check {
  const id = 'authorization-server.registration';
  const title = expected ? `Client registration matches --registration ${expected}` : CHECK_TITLES[id];
  const dcr = typeof metadata.registration_endpoint === 'string';
  const cimd = metadata.client_id_metadata_document_supported === true;
  const seen = [
    `registration_endpoint: ${
      dcr ? String(metadata.registration_endpoint) : '(absent: Dynamic ' + 'Client Registration off)'
    }`,
    `client_id_metadata_document_supported: ` +
      `${cimd ? 'true' : String(metadata.client_id_metadata_document_supported ?? '(absent)')}`,
  ].join('\n');
  const why =
    'Hosts register themselves: Claude uses Client ID Metadata Documents (CIMD), Cursor and VS ' +
    'Code use Dynamic Client Registration (DCR); with neither, every client must be pre-registered.';
  const restart = 'Restart the MCP server after flipping either toggle.';
  const insecure = dcr && !isSecureEndpoint(metadata.registration_endpoint);
  if (insecure) {
    return fail({ id, step, title, seen, why, fix: 'registration_endpoint must be an https URL.' });
  }
  const missing: string[] = [];
  const fixes: string[] = [];
  const wantDcr = expected === 'dcr' || expected === 'both';
  const wantCimd = expected === 'cimd' || expected === 'both';
  if (wantDcr && !dcr) {
    missing.push('DCR is expected but there is no registration_endpoint');
    fixes.push(`Turn on ${DASHBOARD.dcr}.`);
  }
  if (wantCimd && !cimd) {
    missing.push('CIMD is expected but client_id_metadata_document_supported is not true');
    fixes.push(`Turn on ${DASHBOARD.cimd}.`);
  }
  if (missing.length > 0)
    return fail({ id, step, title, seen: `${seen}\n${missing.join('\n')}`, why, fix: `${fixes.join(' ')} ${restart}` });
  if (expected === 'preregistered' && (dcr || cimd)) {
    return warn({
      id,
      step,
      title,
      seen:
        `${seen}\nyou expect pre-registered clients only, but ` +
        `${[dcr && 'DCR', cimd && 'CIMD'].filter(Boolean).join(' and ')} is on: any client can register`,
      why,
      fix: `Turn off ${DASHBOARD.dcr} and ${DASHBOARD.cimd} if only pre-registered clients should connect. ${restart}`,
    });
  }
  if (!expected && !dcr && !cimd) {
    return warn({
      id,
      step,
      title,
      seen,
      why,
      fix:
        `Turn on ${DASHBOARD.cimd} (Claude) and/or ${DASHBOARD.dcr} (Cursor, VS ` +
        `Code), or pass --registration preregistered if that is intended. ${restart}`,
    });
  }
  return pass({ id, step, title, seen, why });
}

async function jwksCheck(ctx: DoctorContext, jwksUri: unknown): Promise<{ check: Check; keys?: JwksKey[] }> {
  const id = 'authorization-server.jwks';
  const title = CHECK_TITLES[id];
  const why =
    'The MCP server verifies every token against these keys; ' +
    'if it cannot fetch them, every authenticated request fails.';
  const fix =
    'jwks_uri comes from the authorization server metadata; for Scalekit it is ' +
    '<environment>/keys. Check the environment is up and reachable from where the MCP server runs.';
  if (typeof jwksUri !== 'string')
    return { check: fail({ id, step, title, seen: 'jwks_uri is missing from the metadata', why, fix }) };
  if (!isSecureEndpoint(jwksUri))
    return { check: fail({ id, step, title, seen: `jwks_uri ${jwksUri} is not an https URL`, why, fix }) };
  const outcome = await ctx.http.send({
    url: jwksUri,
    headers: { accept: 'application/json' },
    followRedirects: 'same-origin',
  });
  const seen = `GET ${jwksUri}: ${describeOutcome(outcome)}`;
  if (outcome.kind !== 'response' || outcome.status !== 200) {
    const body = outcome.kind === 'response' && outcome.body ? ` (body: ${excerpt(outcome.body, 80)})` : '';
    return { check: fail({ id, step, title, seen: `${seen}${body}`, why, fix }) };
  }
  const json = parseJson(outcome.body);
  const rawKeys = isJsonObject(json) && Array.isArray(json.keys) ? json.keys.filter(isJsonObject) : undefined;
  if (!rawKeys)
    return {
      check: fail({ id, step, title, seen: `${seen}, but the body is not a JWK Set ({"keys": [...]})`, why, fix }),
    };
  const keys: JwksKey[] = rawKeys.map((key) => ({
    kid: typeof key.kid === 'string' ? key.kid : undefined,
    kty: typeof key.kty === 'string' ? key.kty : undefined,
    alg: typeof key.alg === 'string' ? key.alg : undefined,
    use: typeof key.use === 'string' ? key.use : undefined,
  }));
  const signing = keys.filter(
    (key) => key.kty === 'RSA' && (key.alg === undefined || key.alg === 'RS256') && key.use !== 'enc',
  );
  const described =
    keys.map((key) => `${key.kid ?? '(no kid)'} ${key.kty ?? '?'}${key.alg ? `/${key.alg}` : ''}`).join(', ') ||
    '(none)';
  const seenKeys = `${seen}, ${keys.length} key(s): ${described}`;
  if (signing.length === 0) {
    return {
      keys,
      check: fail({ id, step, title, seen: seenKeys, why: `${why} Scalekit signs access tokens with RS256.`, fix }),
    };
  }
  if (signing.some((key) => !key.kid)) {
    return {
      keys,
      check: warn({
        id,
        step,
        title,
        seen: seenKeys,
        why: 'Verifiers pick the key by kid; keys without one only work while there is a single key.',
        fix: 'Publish a kid on every signing key.',
      }),
    };
  }
  return { keys, check: pass({ id, step, title, seen: seenKeys, why }) };
}

/**
 * Optional: the MCP server may mirror the authorization server's metadata at its own
 * `/.well-known/oauth-authorization-server`, for 2025-03-26-era clients that look there. If it does, it must be the
 * same.
 */
export function startMirrorFetch(ctx: DoctorContext): Promise<HttpOutcome> {
  const url = new URL('/.well-known/oauth-authorization-server', ctx.mcpUrl.origin);
  return ctx.http.send({
    url,
    headers: { accept: 'application/json', 'mcp-protocol-version': PROTOCOL_VERSION },
    followRedirects: 'same-origin',
  });
}

export function mirrorCheck(
  ctx: DoctorContext,
  outcome: HttpOutcome,
  findings: AuthorizationServerFindings,
  endpointAnswered: boolean,
): Check {
  const id = 'authorization-server.mirror';
  const title = 'Metadata mirror on the MCP origin (optional, for 2025-03-26 clients)';
  const url = new URL('/.well-known/oauth-authorization-server', ctx.mcpUrl.origin);
  const seen = `GET ${url.href}: ${describeOutcome(outcome)}`;
  const why =
    'Clients of the 2025-03-26 revision look for authorization server ' +
    'metadata on the MCP origin; a stale or broken mirror misleads them.';
  if (findings.metadataUrl === url.href)
    return skip({ id, step, title, seen: 'the authorization server itself lives at this origin' });
  if (!endpointAnswered && outcome.kind !== 'response') return skip({ id, step, title, seen: SERVER_SILENT });
  if (outcome.kind !== 'response')
    return warn({
      id,
      step,
      title,
      seen,
      why,
      fix: 'The mirror must answer quickly (cache the upstream metadata) and never hang.',
    });
  if (outcome.status === 404 || outcome.status === 405)
    return skip({ id, step, title, seen: `${seen}: not mirrored (optional)` });
  const json = outcome.status === 200 ? parseJson(outcome.body) : undefined;
  if (!isJsonObject(json)) {
    return warn({
      id,
      step,
      title,
      seen: `${seen}${outcome.body ? ` (body: ${excerpt(outcome.body, 80)})` : ''}`,
      why,
      fix:
        'Serve the cached upstream metadata, or answer 502 with a JSON ' +
        'error only while the upstream is down; otherwise remove the route.',
    });
  }
  if (findings.issuer !== undefined && json.issuer !== findings.issuer) {
    return warn({
      id,
      step,
      title,
      seen: `${seen}, issuer "${String(json.issuer)}" but the authorization server says "${findings.issuer}"`,
      why,
      fix:
        `Mirror the metadata of authorization_servers[0] ` +
        `(${ENV.environmentUrl}/resources/${ENV.resourceId} for Scalekit), unchanged.`,
    });
  }
  const stale = MIRRORED_FIELDS.filter(
    (field) => findings.metadata && JSON.stringify(json[field]) !== JSON.stringify(findings.metadata[field]),
  );
  if (stale.length > 0) {
    const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));
    return warn({
      id,
      step,
      title,
      seen: [
        `${seen}, issuer "${String(json.issuer)}", but it differs from the authorization server:`,
        ...stale.map(
          (field) => `${field}: mirror ${show(json[field])}, authorization server ${show(findings.metadata?.[field])}`,
        ),
      ].join('\n'),
      why:
        `${why} A stale copy sends those clients to a registration ` +
        `endpoint that is off, or away from one that is on.`,
      fix:
        'Restart the MCP server after changing the authorization server (Scalekit asks for a restart after ' +
        'flipping the DCR or CIMD toggle); the mirror refreshes its cached copy only when that expires.',
    });
  }
  return pass({ id, step, title, seen: `${seen}, issuer "${String(json.issuer)}"`, why });
}

/**
 * What a 2025-03-26 client acts on: a mirror that disagrees here sends it somewhere the authorization server does not.
 */
const MIRRORED_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'client_id_metadata_document_supported',
  'code_challenge_methods_supported',
  'jwks_uri',
] as const;
