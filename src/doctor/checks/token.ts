/**
 * Step 5a: what the token says about itself. Claims are only decoded (the server under test does the verifying);
 * the point is to explain *why* a server would refuse it: another environment (iss), another resource (aud),
 * expired, or missing scopes. Nothing here prints the token.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { DoctorContext } from '../context.js';
import { fail, pass, skip, warn, type Check } from '../report.js';
import { DASHBOARD, ENV, isScalekitHost, parseScalekitAuthorizationServer } from '../scalekit.js';
import { splitScopes } from '../www-authenticate.js';
import type { AuthorizationServerFindings } from './authorization-server.js';
import type { PrmFindings } from './prm.js';

const step = 'token' as const;
/** Below this many seconds of remaining life, a token will likely expire mid-diagnosis or mid-session. */
const EXPIRING_SOON_SECONDS = 60;
/** Clock skew tolerated before `nbf`/`iat` in the future is called out. */
const CLOCK_SKEW_SECONDS = 60;

const TITLES = {
  'token.format': "The token is a JWT signed with one of the authorization server's published keys (kid)",
  'token.issuer': 'iss is this authorization server',
  'token.audience': 'aud names this MCP server',
  'token.expiry': 'The token is within its lifetime',
  'token.scopes': 'Scopes granted by the token',
} as const;

export interface TokenClaimFindings {
  /** Scopes from `scope` and `scopes`, when the token could be decoded. */
  grantedScopes?: string[];
}

export function runTokenClaimChecks(
  ctx: DoctorContext,
  token: string,
  prm: PrmFindings,
  as: AuthorizationServerFindings,
): { checks: Check[]; findings: TokenClaimFindings } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    const checks: Check[] = [
      warn({
        id: 'token.format',
        step,
        title: TITLES['token.format'],
        seen: 'not a JWT (an opaque token); its claims cannot be checked here',
        why: 'Scalekit issues JWT access tokens; an opaque token probably came from another authorization server.',
        fix: 'Use an access token issued for this MCP server by the authorization server in authorization_servers[0].',
      }),
      ...(['token.issuer', 'token.audience', 'token.expiry', 'token.scopes'] as const).map((id) =>
        skip({ id, step, title: TITLES[id], seen: 'not evaluated: the token is not a JWT' }),
      ),
    ];
    return { checks, findings: {} };
  }

  const granted = grantedScopes(claims);
  const checks = [
    formatCheck(header, as),
    issuerCheck(claims, prm, as),
    audienceCheck(ctx, claims, prm),
    expiryCheck(ctx, claims),
    scopesCheck(claims, granted, prm),
  ];
  return { checks, findings: { grantedScopes: granted.all } };
}

function formatCheck(header: ReturnType<typeof decodeProtectedHeader>, as: AuthorizationServerFindings): Check {
  const id = 'token.format';
  const title = TITLES[id];
  const why = "The server verifies the signature with the authorization server's published keys, picked by kid.";
  const alg = header.alg ?? '(none)';
  const kid = header.kid;
  const seenParts = [`JWT, alg ${alg}, kid ${kid ?? '(none)'}`];
  if (alg === 'none' || alg.startsWith('HS')) {
    return fail({
      id,
      step,
      title,
      seen: seenParts.join(''),
      why: `${why} An ${alg} token is not a Scalekit access token and must be refused.`,
      fix: 'Use an access token issued by the authorization server in authorization_servers[0].',
    });
  }
  if (!as.jwks) return pass({ id, step, title, seen: `${seenParts.join('')} (JWKS not available to compare)`, why });
  if (!kid) {
    return warn({
      id,
      step,
      title,
      seen: seenParts.join(''),
      why,
      fix: 'Tokens without kid only verify while the JWKS has a single key.',
    });
  }
  if (!as.jwks.some((key) => key.kid === kid)) {
    return fail({
      id,
      step,
      title,
      seen: `${seenParts.join('')}; the JWKS publishes ${publishedKids(as.jwks)}`,
      why: `${why} This key is not published: the token comes from another environment, or the keys were rotated.`,
      fix:
        `Get a token from the environment in ${ENV.environmentUrl}; ` +
        `if keys were rotated, restart servers that cache the JWKS.`,
    });
  }
  // Doctor reads the claims without verifying the signature: whether it verifies is for the server (token.accepted).
  return pass({
    id,
    step,
    title,
    seen: `${seenParts.join('')} (published in the JWKS; the server checks the signature: see token.accepted)`,
    why,
  });
}

function issuerCheck(claims: JWTPayload, prm: PrmFindings, as: AuthorizationServerFindings): Check {
  const id = 'token.issuer';
  const title = TITLES[id];
  const why =
    'Servers accept tokens only from their own authorization server; Scalekit ' +
    'tokens carry either the environment URL or the per-resource issuer.';
  const authorizationServer = prm.authorizationServer;
  if (!authorizationServer)
    return skip({
      id,
      step,
      title,
      seen: `iss "${String(claims.iss)}"; no authorization server to compare with (see step 2)`,
    });
  const scalekit = parseScalekitAuthorizationServer(authorizationServer);
  const accepted = [
    ...new Set(
      scalekit
        ? [scalekit.environmentUrl, authorizationServer]
        : [authorizationServer, ...(as.issuer ? [as.issuer] : [])],
    ),
  ];
  // PRM naming the bare Scalekit environment: its tokens may still carry the per-resource issuer form.
  const bareScalekitEnvironment =
    !scalekit && isScalekitHost(new URL(authorizationServer).hostname)
      ? authorizationServer.replace(/\/$/, '')
      : undefined;
  if (bareScalekitEnvironment) accepted.push(`${bareScalekitEnvironment}/resources/<resource id>`);
  const seen =
    `iss ${claims.iss === undefined ? '(missing)' : `"${claims.iss}"`}; ` +
    `accepted: ${accepted.map((value) => `"${value}"`).join(' or ')}`;
  if (typeof claims.iss === 'string' && accepted.includes(claims.iss)) return pass({ id, step, title, seen, why });
  if (
    typeof claims.iss === 'string' &&
    bareScalekitEnvironment &&
    /^\/resources\/[^/]+$/.test(claims.iss.slice(bareScalekitEnvironment.length)) &&
    claims.iss.startsWith(bareScalekitEnvironment)
  ) {
    return pass({ id, step, title, seen, why });
  }
  const trailingSlash =
    typeof claims.iss === 'string' &&
    accepted.some((value) => `${value}/` === claims.iss || `${claims.iss}/` === value);
  return fail({
    id,
    step,
    title,
    seen: trailingSlash ? `${seen}\nonly a trailing slash differs` : seen,
    why,
    fix:
      `Use a token from the environment in ${ENV.environmentUrl} (no trailing slash), for the ` +
      `resource in ${ENV.resourceId}; a token from another Scalekit environment never validates.`,
  });
}

function audienceCheck(ctx: DoctorContext, claims: JWTPayload, prm: PrmFindings): Check {
  const id = 'token.audience';
  const title = TITLES[id];
  const why =
    'A token must have been issued for this server (RFC 8707): ' +
    'Scalekit puts the resource id in aud, plus the registered Server URL.';
  const audiences = [claims.aud ?? []].flat();
  const resource = prm.resource;
  const inferred = prm.authorizationServer
    ? parseScalekitAuthorizationServer(prm.authorizationServer)?.resourceId
    : undefined;
  const resourceId = ctx.resourceId ?? inferred;
  const resourceIdSource = ctx.resourceId ? '--resource-id' : 'authorization_servers[0]';
  const lines = [`aud ${audiences.length === 0 ? '(missing)' : JSON.stringify(audiences)}`];
  if (resourceId) lines.push(`resource id ${resourceId} (from ${resourceIdSource})`);
  if (resource) lines.push(`PRM resource ${resource}`);
  const fix =
    `Request the token with resource=${resource ?? '<PRM resource>'} for the MCP server registered as ` +
    `${ENV.resourceId}${resourceId ? ` (${resourceId})` : ''}; if you registered a ${DASHBOARD.serverUrl}, ` +
    `make it exactly the PRM resource (no trailing slash) and ${ENV.serverUrl} the same.`;

  if (resourceId === undefined && resource === undefined) {
    return skip({
      id,
      step,
      title,
      seen: `${lines[0]}; no PRM resource or resource id to compare with (see step 2, or pass --resource-id)`,
    });
  }
  if (typeof claims.resource === 'string' && claims.resource !== ctx.mcpUrl.href && claims.resource !== resource) {
    return fail({
      id,
      step,
      title,
      seen: [...lines, `resource claim "${claims.resource}" is another URL`].join('\n'),
      why,
      fix,
    });
  }
  const hasResourceId = resourceId !== undefined && audiences.includes(resourceId);
  const hasResource = resource !== undefined && audiences.includes(resource);
  const slashVariant =
    resource !== undefined && audiences.find((aud) => aud === `${resource}/` || `${aud}/` === resource);
  if (resourceId !== undefined && !hasResourceId) {
    return fail({
      id,
      step,
      title,
      seen: [...lines, `aud lacks ${resourceId}: the token was issued for another resource`].join('\n'),
      why,
      fix,
    });
  }
  if (!hasResourceId && !hasResource) {
    const detail = slashVariant
      ? `aud has "${slashVariant}": only a trailing slash differs from the PRM resource`
      : 'aud names neither this resource id nor the PRM resource';
    return fail({ id, step, title, seen: [...lines, detail].join('\n'), why, fix });
  }
  if (slashVariant && !hasResource) {
    return warn({
      id,
      step,
      title,
      seen: [
        ...lines,
        `aud has "${slashVariant}": a trailing slash differs from the ` +
          `PRM resource (the Server URL and ${ENV.serverUrl} disagree)`,
      ].join('\n'),
      why,
      fix,
    });
  }
  if (!hasResource && resource !== undefined) {
    lines.push(
      '(the PRM resource is not in aud: fine when the server validates ' +
        'the resource id; it appears once a Server URL is registered)',
    );
  }
  return pass({ id, step, title, seen: lines.join('\n'), why });
}

function expiryCheck(ctx: DoctorContext, claims: JWTPayload): Check {
  const id = 'token.expiry';
  const title = TITLES[id];
  const why = 'Expired tokens get 401 and the host must refresh or re-authenticate.';
  const now = Math.floor(ctx.now() / 1000);
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  if (typeof claims.nbf === 'number' && claims.nbf > now + CLOCK_SKEW_SECONDS) {
    return fail({
      id,
      step,
      title,
      seen: `nbf ${at(claims.nbf)} is ${describeDuration(claims.nbf - now)} in the future`,
      why,
      fix: 'Check the clocks of this machine and of the server.',
    });
  }
  if (typeof claims.exp !== 'number') {
    return warn({
      id,
      step,
      title,
      seen: 'no exp claim',
      why: 'Servers built on the MCP SDK need an expiry (AuthInfo.expiresAt) and refuse tokens without one.',
      fix: 'Use an access token issued by Scalekit (they always carry exp).',
    });
  }
  const remaining = claims.exp - now;
  if (remaining <= 0) {
    return fail({
      id,
      step,
      title,
      seen: `expired ${describeDuration(-remaining)} ago (exp ${at(claims.exp)})`,
      why,
      fix: "Get a fresh token (re-run the host's login, or use --client-id/--client-secret for a machine token).",
    });
  }
  if (remaining < EXPIRING_SOON_SECONDS) {
    return warn({
      id,
      step,
      title,
      seen: `expires in ${describeDuration(remaining)} (exp ${at(claims.exp)})`,
      why,
      fix: 'Get a fresh token before relying on these results.',
    });
  }
  const future =
    typeof claims.iat === 'number' && claims.iat > now + CLOCK_SKEW_SECONDS
      ? `; iat is ${describeDuration(claims.iat - now)} in the future (clock skew?)`
      : '';
  return pass({
    id,
    step,
    title,
    seen: `expires in ${describeDuration(remaining)} (exp ${at(claims.exp)})${future}`,
    why,
  });
}

interface GrantedScopes {
  fromString?: string[];
  fromArray?: string[];
  all: string[];
}

/** Scalekit puts scopes in a space-separated `scope` string and/or a `scopes` array; read both. */
function grantedScopes(claims: JWTPayload): GrantedScopes {
  const fromString = typeof claims.scope === 'string' ? splitScopes(claims.scope) : undefined;
  const fromArray = Array.isArray(claims.scopes)
    ? claims.scopes.filter((scope): scope is string => typeof scope === 'string')
    : undefined;
  return { fromString, fromArray, all: [...new Set([...(fromString ?? []), ...(fromArray ?? [])])] };
}

function scopesCheck(claims: JWTPayload, granted: GrantedScopes, prm: PrmFindings): Check {
  const id = 'token.scopes';
  const title = TITLES[id];
  const why = 'Each tool needs its scopes; a token lacking one gets 403 insufficient_scope and the host steps up.';
  const lines: string[] = [];
  if (granted.fromString) lines.push(`scope "${claims.scope as string}"`);
  if (granted.fromArray) lines.push(`scopes ${JSON.stringify(granted.fromArray)}`);
  if (!granted.fromString && !granted.fromArray) {
    return warn({
      id,
      step,
      title,
      seen: 'neither a scope nor a scopes claim',
      why,
      fix: `Request the scopes your tools need (see ${DASHBOARD.scopes}).`,
    });
  }
  const supported = prm.scopesSupported;
  if (supported && supported.length > 0) {
    const known = granted.all.filter((scope) => supported.includes(scope));
    const missing = supported.filter((scope) => !granted.all.includes(scope));
    lines.push(
      missing.length > 0 ? `lacks (of scopes_supported): ${missing.join(' ')}` : 'has every scope in scopes_supported',
    );
    if (known.length === 0) {
      return warn({
        id,
        step,
        title,
        seen: lines.join('\n'),
        why: `${why} This token has none of the server's scopes.`,
        fix: `Request the scopes in scopes_supported when authorizing (see ${DASHBOARD.scopes}).`,
      });
    }
  }
  if (
    granted.fromString &&
    granted.fromArray &&
    [...granted.fromString].sort().join(' ') !== [...granted.fromArray].sort().join(' ')
  ) {
    lines.push(
      'scope and scopes disagree; servers that read only one of ' +
        'them (the Scalekit SDK reads only scopes) see different grants',
    );
    return warn({ id, step, title, seen: lines.join('\n'), why, fix: 'Have the server read both claims.' });
  }
  return pass({ id, step, title, seen: lines.join('\n'), why });
}

function describeDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function publishedKids(jwks: { kid?: string }[]): string {
  return jwks.map((key) => key.kid ?? '(no kid)').join(', ') || 'no keys';
}
