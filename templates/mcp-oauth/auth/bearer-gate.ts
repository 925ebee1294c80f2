/**
 * The bearer gate in front of the MCP endpoint, framework-neutral (web-standard `Response`).
 * Built on the SDK's `verifyBearerToken` / `bearerAuthChallengeResponse`, with what the MCP authorization
 * spec adds: the 401 challenge always carries `scope`, and a request that presented no credentials gets a
 * challenge without an error code (RFC 6750 §3.1). Every failure is a 401 challenge, never a 500.
 */
import {
  bearerAuthChallengeResponse,
  OAuthError,
  verifyBearerToken,
  type AuthInfo,
  type OAuthTokenVerifier,
} from '../sdk.js';
import { decodeJwt } from 'jose';
import { MAX_TOKEN_BYTES } from '../limits.js';
import { TokenRejectedError } from './token-verifier.js';

export interface BearerGateOptions {
  verifier: OAuthTokenVerifier;
  /** URL of this server's Protected Resource Metadata, advertised in every challenge. */
  resourceMetadataUrl: string;
  /** The endpoint's canonical URL: tokens must have been issued for it. */
  expectedResource: URL;
  /** Scopes a client should ask for when it has no (valid) token yet. */
  challengeScopes: readonly string[];
}

/** Why a request was refused, for the logs: a stable reason code, and the client id the token claims. */
export interface GateRejection {
  reason: string;
  clientId?: string | undefined;
}

export type BearerGateResult =
  { ok: true; authInfo: AuthInfo } | { ok: false; response: Response; rejection: GateRejection };

/**
 * Checks one request's Authorization header. Pass every value the request carried, joined with ", "
 * (as `Headers.get` does): more than one Authorization header is refused rather than guessed at.
 */
export type BearerGate = (authorization: string | null | undefined) => Promise<BearerGateResult>;

export function createBearerGate(options: BearerGateOptions): BearerGate {
  const challenge = { requiredScopes: [...options.challengeScopes], resourceMetadataUrl: options.resourceMetadataUrl };

  function reject(error: unknown, authorization: string): BearerGateResult {
    // Anything unexpected still fails closed: a 401 challenge.
    const rejection =
      error instanceof OAuthError
        ? error
        : new TokenRejectedError('verification_failed', 'Token could not be verified');
    return {
      ok: false,
      response: bearerAuthChallengeResponse(rejection, challenge),
      rejection: { reason: reasonOf(rejection), clientId: claimedClientId(authorization) },
    };
  }

  return async (authorization) => {
    if (!authorization || !/^bearer(\s|$)/i.test(authorization)) {
      // No credentials (or another scheme): tell the client where to start, without an error code.
      return { ok: false, response: noCredentialsResponse(options), rejection: { reason: 'missing_token' } };
    }
    if (authorization.includes(',')) {
      // A JWT never contains a comma: several Authorization headers were sent.
      return reject(new TokenRejectedError('malformed_header', 'Send exactly one Authorization header'), authorization);
    }
    if (authorization.length > MAX_TOKEN_BYTES) {
      return reject(new TokenRejectedError('token_too_large', 'Token is too large'), '');
    }
    try {
      const authInfo = await verifyBearerToken(authorization, {
        verifier: options.verifier,
        resourceMetadataUrl: options.resourceMetadataUrl,
        expectedResource: options.expectedResource,
      });
      return { ok: true, authInfo };
    } catch (error) {
      return reject(error, authorization);
    }
  };
}

/** Reason codes for the checks the SDK performs after our verifier (header shape, expiry to the second). */
function reasonOf(error: OAuthError): string {
  if (error instanceof TokenRejectedError) return error.reason;
  if (/expired/i.test(error.message)) return 'token_expired';
  if (/header/i.test(error.message)) return 'malformed_header';
  if (/resource/i.test(error.message)) return 'resource_mismatch';
  return 'invalid_token';
}

function noCredentialsResponse(options: BearerGateOptions): Response {
  const params = [`resource_metadata="${options.resourceMetadataUrl}"`];
  if (options.challengeScopes.length > 0) params.push(`scope="${options.challengeScopes.join(' ')}"`);
  return Response.json(
    {
      error: 'unauthorized',
      error_description: 'Authorization required: send an OAuth access token as Authorization: Bearer <token>',
    },
    { status: 401, headers: { 'WWW-Authenticate': `Bearer ${params.join(', ')}` } },
  );
}

/** The client id the token claims, for logs only: it is not verified, and it is never the token itself. */
function claimedClientId(authorization: string): string | undefined {
  try {
    const claims = decodeJwt(authorization.replace(/^bearer\s+/i, ''));
    const clientId = claims['client_id'] ?? claims['azp'];
    return typeof clientId === 'string' ? clientId.slice(0, 128) : undefined;
  } catch {
    return undefined;
  }
}
