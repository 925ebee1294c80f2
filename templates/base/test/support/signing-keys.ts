/**
 * A stand-in for Scalekit in tests: RS256 keys served as a JWKS on 127.0.0.1 (`/keys`), the per-resource
 * authorization-server metadata, and a signer for access tokens shaped like Scalekit's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export interface FakeScalekit {
  /** Plays SCALEKIT_ENVIRONMENT_URL. */
  url: string;
  /** The keys served at `/keys`; push a key to simulate a rotation. */
  keys: SigningKey[];
  /** How many times `/keys` was fetched. */
  keyFetches(): number;
  close(): Promise<void>;
}

export async function startFakeScalekit(resourceId: string, keys: SigningKey[]): Promise<FakeScalekit> {
  let keyFetches = 0;
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host}`;
    if (req.url === '/keys') {
      keyFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    } else if (req.url === `/resources/${resourceId}/.well-known/oauth-authorization-server`) {
      const issuer = `${base}/resources/${resourceId}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ issuer, authorization_endpoint: `${issuer}/oauth/authorize`, token_endpoint: `${issuer}/oauth/token`, jwks_uri: `${base}/keys` }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    keyFetches: () => keyFetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function signToken(key: SigningKey, claims: JWTPayload, header: { alg?: string; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? key.kid, typ: 'at+jwt' })
    .sign(key.privateKey);
}
