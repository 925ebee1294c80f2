/**
 * The bearer gate in front of the MCP endpoint, framework-neutral (web-standard `Response`).
 * Built on the SDK's `verifyBearerToken` / `bearerAuthChallengeResponse`, with two additions the MCP
 * authorization spec asks for: the 401 challenge always carries `scope`, and a request that presented
 * no credentials gets a challenge without an error code (RFC 6750 §3.1).
 */
import {
  bearerAuthChallengeResponse,
  OAuthError,
  verifyBearerToken,
  type AuthInfo,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import { decodeJwt } from 'jose';
import type { Logger } from '../log.js';
import { TokenRejectedError } from './token-verifier.js';

export interface BearerGateOptions {
  verifier: OAuthTokenVerifier;
  /** URL of this server's Protected Resource Metadata, advertised in every challenge. */
  resourceMetadataUrl: string;
  /** The endpoint's canonical URL: tokens must have been issued for it. */
  expectedResource: URL;
  /** Scopes a client should ask for when it has no (valid) token yet. */
  challengeScopes: readonly string[];
  log: Logger;
}

export type BearerGateResult = { ok: true; authInfo: AuthInfo } | { ok: false; response: Response };

export interface RequestSummary {
  method: string;
  path: string;
}

/** Checks one request's Authorization header: the verified token, or the challenge to answer with. */
export type BearerGate = (authorization: string | null | undefined, request: RequestSummary) => Promise<BearerGateResult>;

export function createBearerGate(options: BearerGateOptions): BearerGate {
  const challenge = { requiredScopes: [...options.challengeScopes], resourceMetadataUrl: options.resourceMetadataUrl };

  return async function checkBearer(authorization: string | null | undefined, request: RequestSummary): Promise<BearerGateResult> {
    if (!authorization || !/^bearer(\s|$)/i.test(authorization)) {
      // No credentials (or another scheme): tell the client where to start, without an error code.
      options.log('warn', 'auth_rejected', { reason: 'missing_token', ...request });
      return { ok: false, response: noCredentialsResponse(options) };
    }
    if (authorization.includes(',')) {
      // Several Authorization headers were folded into one: refuse rather than guess which one counts.
      return reject(new TokenRejectedError('malformed_header', 'Send exactly one Authorization header'), authorization, request);
    }
    try {
      const authInfo = await verifyBearerToken(authorization, {
        verifier: options.verifier,
        resourceMetadataUrl: options.resourceMetadataUrl,
        expectedResource: options.expectedResource,
      });
      return { ok: true, authInfo };
    } catch (error) {
      return reject(error, authorization, request);
    }
  };

  function reject(error: unknown, authorization: string, request: RequestSummary): BearerGateResult {
    // Anything unexpected still fails closed: a 401 challenge, never a 500.
    const rejection = error instanceof OAuthError ? error : new TokenRejectedError('verification_failed', 'Token could not be verified');
    options.log('warn', 'auth_rejected', { reason: reasonOf(rejection), client_id: claimedClientId(authorization), ...request });
    return { ok: false, response: bearerAuthChallengeResponse(rejection, challenge) };
  }
}

/** Reason codes for the checks the SDK itself performs after our verifier (header shape, expiry at the second). */
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
    { error: 'unauthorized', error_description: 'Authorization required: send an OAuth access token as Authorization: Bearer <token>' },
    { status: 401, headers: { 'WWW-Authenticate': `Bearer ${params.join(', ')}` } },
  );
}

/** The client id the token claims, for logs only: it is not verified, so it is labelled as claimed. */
function claimedClientId(authorization: string): string | undefined {
  try {
    const claims = decodeJwt(authorization.replace(/^bearer\s+/i, ''));
    const clientId = claims.client_id ?? claims.azp;
    return typeof clientId === 'string' ? clientId.slice(0, 128) : undefined;
  } catch {
    return undefined;
  }
}
