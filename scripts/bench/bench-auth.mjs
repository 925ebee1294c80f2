// What both server runners share: Scalekit's role (a signing key, a key set per app that counts its fetches),
// tokens shaped like Scalekit's, the caller the baseline hands over unverified, and the answers to the
// benchmark driver's questions over IPC ({ type: 'stats' } and { type: 'cpu' }).
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';

export const RESOURCE_ID = process.env.BENCH_RESOURCE_ID ?? 'res_bench';
const KID = 'bench-key-1';

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };

/** Scalekit's key set for one app, on its own port so each app's fetches are counted apart. */
export async function startKeySet() {
  const keySet = { url: '', fetches: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/keys') {
      keySet.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  keySet.url = await listen(server);
  return keySet;
}

const now = Math.floor(Date.now() / 1000);
export const claims = {
  sub: 'usr_bench',
  client_id: 'client_bench',
  scope: 'todo:read todo:write',
  iat: now,
  nbf: now,
  exp: now + 3600, // longer than any run
  jti: `bench-${now}`,
};

/** A token shaped like Scalekit's, minted for the server at `url` (in `aud`) by the authorization server `issuer`. */
export function tokenFor({ issuer, url }) {
  return new SignJWT({ ...claims, iss: issuer, aud: [RESOURCE_ID, url] })
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'at+jwt' })
    .sign(privateKey);
}

/** The caller the verifier would have produced for the bench token, handed over unverified (the baseline). */
export function unverifiedAuthInfo(mcpServerUrl) {
  return {
    token: 'not-verified',
    clientId: claims.client_id,
    scopes: claims.scope.split(' '),
    expiresAt: claims.exp,
    resource: mcpServerUrl,
    extra: { subject: claims.sub, tokenId: claims.jti },
  };
}

/** Answers the driver: key-set fetches per app, and CPU time (µs) of whatever `cpuMicros` measures. */
export function serveDriver(apps, servers, cpuMicros) {
  process.on('message', (message) => {
    if (message?.type === 'stats') {
      process.send({
        type: 'stats',
        jwksFetches: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.keySet.fetches])),
      });
    }
    if (message?.type === 'cpu') process.send({ type: 'cpu', micros: cpuMicros() });
    if (message?.type === 'exit') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', servers });
}

export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}
