/**
 * A stand-in for Scalekit in tests: the RS256 key set at `/keys` and the per-resource authorization-server
 * metadata, served on loopback by ./serve.ts. Tests change how it answers to play outages and key rotation.
 */
import { serveHandler, type Answer } from './serve.js';
import type { SigningKey } from './signing-keys.js';

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
  const answer = (path: string, base: string): Answer => {
    if (path === '/keys') {
      keyFetches += 1;
      if (fake.keySetMode === 'error') return { status: 500, text: 'upstream error' };
      if (fake.keySetMode === 'hang') return 'hang';
      return { status: 200, json: { keys: keys.map((key) => key.publicJwk) }, delayMs: fake.keySetDelayMs };
    }
    if (path === `/resources/${resourceId}/.well-known/oauth-authorization-server`) {
      const issuer = `${base}/resources/${resourceId}`;
      return {
        status: 200,
        json: {
          issuer,
          authorization_endpoint: `${issuer}/oauth/authorize`,
          token_endpoint: `${issuer}/oauth/token`,
          jwks_uri: `${base}/keys`,
        },
      };
    }
    return { status: 404, text: '' };
  };
  const served = await serveHandler(answer);
  const fake: FakeScalekit = {
    url: served.url,
    keys,
    keySetMode: 'ok',
    keySetDelayMs: 0,
    keyFetches: () => keyFetches,
    goDown: served.stop,
    comeBack: served.restart,
    close: served.stop,
  };
  return fake;
}
