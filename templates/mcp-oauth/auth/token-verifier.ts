/**
 * Verifies Scalekit access tokens locally: RS256 signature against the environment's key set, issuer,
 * audience, expiry. Returns the MCP SDK's `AuthInfo`; every rejection is an `OAuthError` (`invalid_token`),
 * which the SDK turns into a 401 challenge — a plain `Error` here would become a 500.
 */
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthTokenVerifier } from '../sdk.js';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isKeySetUnavailable } from './key-set.js';

/** Stable reason codes for logs and dashboards; the client only sees `invalid_token`. */
export type RejectionReason =
  | 'missing_token'
  | 'malformed_header'
  | 'malformed_token'
  | 'token_too_large'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'missing_claim'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'resource_mismatch'
  | 'keys_unavailable'
  | 'verification_failed';

export class TokenRejectedError extends OAuthError {
  constructor(
    readonly reason: RejectionReason,
    description: string,
  ) {
    super(OAuthErrorCode.InvalidToken, description);
    this.name = 'TokenRejectedError';
  }
}

export interface ScalekitVerifierOptions {
  /** Where the signing keys come from: `createRemoteJWKSet(<env>/keys)` in production. */
  keys: JWTVerifyGetKey;
  /**
   * Accepted `iss` values. Scalekit signs with `<environment URL>` (older tokens) and with
   * `<environment URL>/resources/<resource id>` (since its 2026 migration), both valid at once: a server
   * that accepts only one form refuses every token of the other.
   */
  issuers: string[];
  /** The Scalekit resource id: always in `aud` of tokens minted for this server. */
  resourceId: string;
  /** Canonical URL of this MCP endpoint. */
  serverUrl: URL;
  /** Also require `serverUrl` in `aud` (Scalekit adds it when a Server URL is registered). */
  serverUrlInAudience: boolean;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds?: number;
}

export function createScalekitTokenVerifier(options: ScalekitVerifierOptions): OAuthTokenVerifier {
  const serverUrl = options.serverUrl.href;
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, options.keys, {
          algorithms: ['RS256'],
          issuer: options.issuers,
          audience: options.resourceId,
          requiredClaims: ['exp'],
          clockTolerance: options.clockToleranceSeconds ?? 15,
        }));
      } catch (error) {
        throw rejectionFor(error);
      }

      const audiences = [payload.aud ?? []].flat();
      // A URL in `aud` names the resource server the token was minted for; it must be this one, exactly.
      const foreign = audiences.find((audience) => /^https?:\/\//i.test(audience) && audience !== serverUrl);
      if (foreign !== undefined) {
        throw new TokenRejectedError('audience_mismatch', `Token audience names another server: ${foreign}`);
      }
      if (options.serverUrlInAudience && !audiences.includes(serverUrl)) {
        throw new TokenRejectedError('audience_mismatch', `Token audience does not include ${serverUrl}`);
      }
      if (payload['resource'] !== undefined && payload['resource'] !== serverUrl) {
        throw new TokenRejectedError('resource_mismatch', 'Token was issued for another resource');
      }

      return {
        token,
        clientId: stringClaim(payload['client_id']) ?? stringClaim(payload['azp']) ?? payload.sub ?? 'unknown',
        scopes: scopesOf(payload),
        ...(payload.exp === undefined ? {} : { expiresAt: payload.exp }),
        // The SDK compares this with the endpoint's URL (`expectedResource`): the audience checks above vouch for it.
        resource: options.serverUrl,
        extra: {
          subject: payload.sub,
          organizationId: stringClaim(payload['org_id']) ?? stringClaim(payload['oid']),
          sessionId: stringClaim(payload['sid']),
          tokenId: payload.jti,
        },
      };
    },
  };
}

/** Scalekit puts scopes in a space-separated `scope` string, a `scopes` array, or both. */
export function scopesOf(payload: JWTPayload): string[] {
  const { scope, scopes } = payload;
  const fromString = typeof scope === 'string' ? scope.split(' ') : [];
  const fromArray = Array.isArray(scopes) ? scopes.filter((entry) => typeof entry === 'string') : [];
  return [...new Set([...fromString, ...fromArray])].filter(Boolean);
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function rejectionFor(error: unknown): TokenRejectedError {
  if (error instanceof errors.JWTExpired) return new TokenRejectedError('token_expired', 'Token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new TokenRejectedError('issuer_mismatch', 'Token issuer is not this Scalekit environment');
      case 'aud':
        return new TokenRejectedError('audience_mismatch', 'Token was not issued for this resource');
      case 'nbf':
        return new TokenRejectedError('token_not_yet_valid', 'Token is not valid yet');
      default:
        return new TokenRejectedError('missing_claim', `Token claim "${error.claim}" is missing or invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new TokenRejectedError('algorithm_not_allowed', 'Token must be signed with RS256');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new TokenRejectedError('unknown_key', 'Token was signed with an unknown key');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRejectedError('bad_signature', 'Token signature is invalid');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new TokenRejectedError('malformed_token', 'Token is not a valid JWT');
  }
  // Timeouts, connection failures and non-200 answers while fetching the key set: fail closed.
  if (isKeySetUnavailable(error)) {
    return new TokenRejectedError(
      'keys_unavailable',
      'Token could not be verified right now: signing keys are unavailable',
    );
  }
  return new TokenRejectedError('verification_failed', 'Token could not be verified');
}
