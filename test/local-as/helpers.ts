import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { LocalScalekit } from '../../templates/base/dev/local-scalekit.js';

export const RESOURCE_ID = 'res_123456789';
export const SERVER_URL = 'http://localhost:3000/mcp';
export const SCOPES = ['todo:read', 'todo:write'];
/** Never contacted: the headless login stops at the redirect back to the client. */
export const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export async function registerPublicClient(as: LocalScalekit, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${as.url}/api/v1/resources/${as.resourceId}/clients:register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'test host',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...extra,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function authorizationUrl(
  as: LocalScalekit,
  clientId: string,
  challenge: string,
  params: Record<string, string> = {},
): URL {
  const url = new URL(`${as.issuer}/oauth/authorize`);
  const all: Record<string, string> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPES.join(' '),
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: SERVER_URL,
    ...params,
  };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url;
}

export async function tokenRequest(
  as: LocalScalekit,
  params: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${as.issuer}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function exchangeCode(as: LocalScalekit, clientId: string, code: string, verifier: string) {
  return tokenRequest(as, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    resource: SERVER_URL,
  });
}

/** Verifies like a resource server would: against /keys, any issuer form. */
export async function verifyAccessToken(as: LocalScalekit, token: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(as.jwksUrl));
  const { payload } = await jwtVerify(token, jwks, {
    issuer: [as.issuer, as.url],
    audience: RESOURCE_ID,
    algorithms: ['RS256'],
  });
  return payload;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
