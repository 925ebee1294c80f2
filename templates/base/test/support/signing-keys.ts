/** RS256 signing keys and a signer for access tokens shaped like Scalekit's (the keys fake-scalekit.ts serves). */
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

export async function signToken(
  key: SigningKey,
  claims: JWTPayload,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? key.kid, typ: 'at+jwt' })
    .sign(key.privateKey);
}

let scalekitKey: Promise<SigningKey> | undefined;
let foreignKey: Promise<SigningKey> | undefined;

/**
 * The key that plays Scalekit's current signing key, made once per test file and shared by its fakes: an RSA
 * key takes tens to hundreds of milliseconds to generate, and a key is never changed, so tests stay independent.
 */
export function scalekitSigningKey(): Promise<SigningKey> {
  return (scalekitKey ??= createSigningKey('test-key-1'));
}

/**
 * A key Scalekit's key set does not hold, named `kid` (a forgery under a known kid, an unknown kid, a rotated
 * key): another key pair than scalekitSigningKey's, made once per test file like it.
 */
export async function foreignSigningKey(kid: string): Promise<SigningKey> {
  const key = await (foreignKey ??= createSigningKey('foreign'));
  return { ...key, kid, publicJwk: { ...key.publicJwk, kid } };
}
