/**
 * A stand-in for Scalekit in tests: RS256 keys served as a JWKS on 127.0.0.1 (`/keys`), the per-resource
 * authorization-server metadata, and a signer for access tokens shaped like Scalekit's.
 */
import { createServer, type ServerResponse } from 'node:http';
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

/** How the fake key set answers: normally, with a server error, or never (a hanging upstream). */
export type KeySetMode = 'ok' | 'error' | 'hang';

export interface FakeScalekit {
  /** Plays SCALEKIT_ENVIRONMENT_URL. */
  url: string;
  /** The keys served at `/keys`; push a key to simulate a rotation. */
  keys: SigningKey[];
  /** How `/keys` answers from now on. */
  keySetMode: KeySetMode;
  /** Milliseconds `/keys` waits before answering in `ok` mode (a slow upstream). */
  keySetDelayMs: number;
  /** How many times `/keys` was requested. */
  keyFetches(): number;
  /** Stop listening (connections are refused) until `comeBack()`. */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeScalekit(resourceId: string, keys: SigningKey[]): Promise<FakeScalekit> {
  let keyFetches = 0;
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host}`;
    if (req.url === '/keys') {
      keyFetches += 1;
      if (fake.keySetMode === 'error') res.writeHead(500).end('upstream error');
      else if (fake.keySetMode === 'hang') hanging.add(res);
      else {
        const answer = () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
        if (fake.keySetDelayMs === 0) answer();
        else {
          hanging.add(res);
          setTimeout(() => {
            if (hanging.delete(res)) answer();
          }, fake.keySetDelayMs);
        }
      }
    } else if (req.url === `/resources/${resourceId}/.well-known/oauth-authorization-server`) {
      const issuer = `${base}/resources/${resourceId}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/oauth/authorize`,
          token_endpoint: `${issuer}/oauth/token`,
          jwks_uri: `${base}/keys`,
        }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const fake: FakeScalekit = {
    url: `http://127.0.0.1:${port}`,
    keys,
    keySetMode: 'ok',
    keySetDelayMs: 0,
    keyFetches: () => keyFetches,
    goDown: stop,
    comeBack: () => listen(port),
    close: stop,
  };
  return fake;
}

export async function signToken(
  key: SigningKey,
  claims: JWTPayload,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? key.kid, typ: 'at+jwt' })
    .sign(key.privateKey);
}
