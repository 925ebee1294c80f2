/**
 * The hostile-request battery: credentials every MCP endpoint behind the OAuth module (src/mcp-oauth) must
 * refuse with a 401 challenge, never a 200 or a 500. One list, shared by this project's own tests and by the
 * tests create-mcp-oauth runs against servers it patched with `add`, so both face exactly the same requests.
 */
import { base64url, decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { rawRequest } from './serve.js';
import { foreignSigningKey, signToken, type SigningKey } from './signing-keys.js';

export interface HostileTarget {
  /** The MCP endpoint URL, as in MCP_SERVER_URL. */
  mcpUrl: string;
  resourceId: string;
  /** The key the server trusts (its kid is reused by a forged key). */
  signingKey: SigningKey;
  /** A valid token for the server; `claims` override or add claims (`undefined` removes one). */
  token(claims?: JWTPayload): Promise<string>;
}

export interface HostileRequest {
  name: string;
  /** The Authorization header lines to send, each as its own line (none: no header at all). */
  authorization(): Promise<string[]>;
  /** The challenge must say `error="invalid_token"` (a token was sent), else no error code at all. */
  invalidToken: boolean;
  /** Larger than Node's default header limit: a server that keeps that limit answers 431 instead of 401. */
  oversized?: boolean;
}

/** The battery; `current` gives the server under test when a request is made (servers start after the list is built). */
export function hostileRequests(current: () => HostileTarget): HostileRequest[] {
  const target: HostileTarget = {
    get mcpUrl() {
      return current().mcpUrl;
    },
    get resourceId() {
      return current().resourceId;
    },
    get signingKey() {
      return current().signingKey;
    },
    token: (claims) => current().token(claims),
  };
  const now = () => Math.floor(Date.now() / 1000);
  const validClaims = async () => decodeJwt(await target.token());
  const bearer = (makeToken: () => Promise<string>) => async () => [`Bearer ${await makeToken()}`];
  const withoutToken = (name: string, lines: string[]): HostileRequest => ({
    name,
    authorization: async () => lines,
    invalidToken: false,
  });
  const badToken = (name: string, makeToken: () => Promise<string>, extra: Partial<HostileRequest> = {}) => ({
    name,
    authorization: bearer(makeToken),
    invalidToken: true,
    ...extra,
  });
  return [
    withoutToken('no Authorization header', []),
    withoutToken('the Basic scheme', ['Basic dXNlcjpwYXNzd29yZA==']),
    withoutToken('a token with no scheme', ['eyJhbGciOiJSUzI1NiJ9.e30.c2ln']),
    badToken('an empty bearer token', async () => ' '),
    badToken('nothing after Bearer', async () => ''),
    badToken('garbage', async () => 'not-a-jwt'),
    badToken(
      'a JWT with alg none',
      async () =>
        `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(await validClaims()))}.`,
    ),
    badToken('HS256 signed with the RSA public key as the secret', async () =>
      new SignJWT(await validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: target.signingKey.kid })
        .sign(new TextEncoder().encode(JSON.stringify(target.signingKey.publicJwk))),
    ),
    badToken('an unknown kid', async () => signToken(await foreignSigningKey('unknown-kid'), await validClaims())),
    badToken('a foreign key that reuses our kid', async () =>
      signToken(await foreignSigningKey(target.signingKey.kid), await validClaims()),
    ),
    badToken('an expired token', () => target.token({ exp: now() - 60 })),
    badToken('nbf in the future', () => target.token({ nbf: now() + 600 })),
    badToken('no exp', () => target.token({ exp: undefined })),
    badToken('a foreign issuer', () => target.token({ iss: 'https://attacker.scalekit.com' })),
    badToken('the other issuer form of a foreign environment', () =>
      target.token({ iss: `https://attacker.scalekit.com/resources/${target.resourceId}` }),
    ),
    badToken('the audience of another resource', () => target.token({ aud: ['res_someone_else'] })),
    badToken('a resource claim for another URL', () => target.token({ resource: 'https://elsewhere.example.com/mcp' })),
    badToken('the server URL with a trailing slash in aud', () =>
      target.token({ aud: [target.resourceId, `${target.mcpUrl}/`] }),
    ),
    badToken('another server URL in aud', () =>
      target.token({ aud: [target.resourceId, 'https://elsewhere.example.com/mcp'] }),
    ),
    badToken('a 100 KB token', async () => `${await target.token()}${'A'.repeat(100 * 1024)}`, { oversized: true }),
    {
      name: 'two Authorization headers, the valid one first',
      authorization: async () => [`Bearer ${await target.token()}`, 'Bearer other'],
      invalidToken: true,
    },
    {
      name: 'two Authorization headers, the valid one second',
      authorization: async () => ['Bearer other', `Bearer ${await target.token()}`],
      invalidToken: true,
    },
    {
      name: 'two valid tokens folded into one header line',
      authorization: async () => {
        const valid = await target.token();
        return [`Bearer ${valid}, Bearer ${valid}`];
      },
      invalidToken: true,
    },
  ];
}

export interface RawAnswer {
  status: number;
  wwwAuthenticate: string | undefined;
  body: string;
}

/**
 * POSTs `body` as JSON to `url` with each Authorization line as its own header line (fetch would fold
 * repeated headers into one), the way a 2025-era MCP client sends a request. Sent through ./serve.ts, so the
 * same battery runs on Node and inside the Workers runtime.
 */
export async function postWithAuthorization(url: string, body: unknown, authorization: string[]): Promise<RawAnswer> {
  const answer = await rawRequest(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(authorization.length > 0 && { authorization }), // an array: one line each
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, wwwAuthenticate: answer.headers['www-authenticate'], body: answer.body };
}
