// Signing keys of the local test authorization server: RS256 keys with a `kid`,
// published at `/keys` the way Scalekit publishes its JWKS.
//
// Rotation policy (see `rotate`): the new key becomes the signing key and goes
// first in the JWKS; by default the previous key stays listed for one more
// rotation, as a grace period, so tokens already issued keep verifying.
// `keepPrevious: false` drops every old key at once (an abrupt rotation that
// invalidates outstanding tokens).

import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, CompactSign, type JWK } from 'jose';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface SigningKey {
  readonly kid: string;
  /** Private key, used to sign. */
  readonly privateKey: KeyObject;
  /** Private JWK, the form oidc-provider's `jwks` configuration wants. */
  readonly privateJwk: JWK;
  /** Public JWK, the form served at `/keys`. */
  readonly publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const publicParts = publicKey.export({ format: 'jwk' }) as JWK;
  // RFC 7638 thumbprint: a stable kid that is unique per key.
  const kid = await calculateJwkThumbprint(publicParts);
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), ...meta },
    publicJwk: { kty: 'RSA', n: publicParts.n, e: publicParts.e, ...meta },
  };
}

export class KeyRing {
  /** Newest first; keys[0] signs. */
  #keys: SigningKey[];

  private constructor(first: SigningKey) {
    this.#keys = [first];
  }

  static async create(): Promise<KeyRing> {
    return new KeyRing(await createSigningKey());
  }

  get current(): SigningKey {
    const [current] = this.#keys;
    if (!current) throw new Error('local-scalekit: key ring is empty');
    return current;
  }

  get all(): readonly SigningKey[] {
    return this.#keys;
  }

  find(kid: string): SigningKey | undefined {
    return this.#keys.find((key) => key.kid === kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((key) => key.publicJwk) };
  }

  async rotate({ keepPrevious = true }: { keepPrevious?: boolean } = {}): Promise<SigningKey> {
    const next = await createSigningKey();
    this.#keys = keepPrevious ? [next, this.current] : [next];
    return next;
  }
}

export interface SignTokenOptions {
  /** Sign with this published key (the current one by default; a previous one works until it is dropped). */
  kid?: string;
  /** Sign with a fresh key that is NOT in the JWKS (its kid is unknown to verifiers). */
  unknownKey?: boolean;
  /** Extra or replacement protected-header fields, e.g. `{ typ: 'JWT' }` or `{ kid: 'nope' }`. */
  header?: Record<string, unknown>;
}

/**
 * Signs `payload` as-is (RS256, `typ: at+jwt`, like the tokens the server issues).
 * Claims are not validated, so negative tests can send anything, e.g. a string `exp`.
 */
export async function signPayload(
  ring: KeyRing,
  payload: Record<string, unknown>,
  options: SignTokenOptions = {},
): Promise<string> {
  let key: SigningKey;
  if (options.unknownKey) {
    key = await createSigningKey();
  } else if (options.kid !== undefined) {
    const found = ring.find(options.kid);
    if (!found) throw new Error(`local-scalekit: no published key with kid ${options.kid}`);
    key = found;
  } else {
    key = ring.current;
  }
  const header = { alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...options.header };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}

export function randomTokenId(): string {
  return randomUUID();
}
