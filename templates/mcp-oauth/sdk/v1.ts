/**
 * The MCP SDK helpers this module builds on, for a project on the v1 SDK (`@modelcontextprotocol/sdk` 1.x).
 * Every other file in the module imports them from here. The v2 SDK (`@modelcontextprotocol/server`) ships
 * these helpers and its copy of this file re-exports them; here they are built on v1's types and errors with
 * the same behaviour, so both lines answer with the same challenges.
 *
 * v1's own `requireBearerAuth` is not used: it is Express-only, answers a request without a token with
 * `error="invalid_token"` and no `scope`, and its `requiredScopes` would apply to every request.
 */
import { OAuthError as SdkOAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { getOAuthProtectedResourceMetadataUrl as sdkMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

export { UriTemplate };
export type { AuthInfo, JSONRPCRequest, OAuthProtectedResourceMetadata, OAuthTokenVerifier };

/**
 * v1 has no per-tool, per-prompt or per-resource scope check, so the guard reads the JSON-RPC body (without
 * consuming it) and answers a `tools/call`, `prompts/get` or `resources/read` beyond the token's scopes with
 * the 403 step-up itself (see auth/step-up.ts).
 */
export const SDK_CHECKS_TOOL_SCOPES = false;

export const OAuthErrorCode = {
  InvalidToken: 'invalid_token',
  InsufficientScope: 'insufficient_scope',
  ServerError: 'server_error',
} as const;

export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

/** v1's OAuth error with the error code on the instance, as in v2. */
export class OAuthError extends SdkOAuthError {
  readonly code: OAuthErrorCode;

  constructor(code: OAuthErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  override get errorCode(): string {
    return this.code;
  }
}

/** The path-suffixed Protected Resource Metadata URL for an MCP endpoint URL. */
export function getOAuthProtectedResourceMetadataUrl(serverUrl: URL): string {
  return sdkMetadataUrl(serverUrl);
}

export interface VerifyBearerTokenOptions {
  verifier: OAuthTokenVerifier;
  requiredScopes?: string[];
  resourceMetadataUrl?: string;
  expectedResource?: URL;
}

/** Parses `Bearer <token>`, verifies the token, checks its resource and expiry; throws an `OAuthError` otherwise. */
export async function verifyBearerToken(
  authorizationHeader: string | undefined,
  options: VerifyBearerTokenOptions,
): Promise<AuthInfo> {
  if (!authorizationHeader) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Missing Authorization header');
  const [type, token] = authorizationHeader.split(' ');
  if (type?.toLowerCase() !== 'bearer' || !token) {
    throw new OAuthError(OAuthErrorCode.InvalidToken, "Invalid Authorization header format, expected 'Bearer TOKEN'");
  }
  const authInfo = await options.verifier.verifyAccessToken(token);
  if (options.expectedResource !== undefined && !sameResource(authInfo.resource, options.expectedResource)) {
    throw new OAuthError(OAuthErrorCode.InvalidToken, 'Token was not issued for this resource');
  }
  const requiredScopes = options.requiredScopes ?? [];
  if (!requiredScopes.every((scope) => authInfo.scopes.includes(scope))) {
    throw new OAuthError(OAuthErrorCode.InsufficientScope, 'Insufficient scope');
  }
  if (typeof authInfo.expiresAt !== 'number' || Number.isNaN(authInfo.expiresAt)) {
    throw new OAuthError(OAuthErrorCode.InvalidToken, 'Token has no expiration time');
  }
  if (authInfo.expiresAt < Date.now() / 1000) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Token has expired');
  return authInfo;
}

/** The HTTP answer for a failed check: 401 `invalid_token` or 403 `insufficient_scope`, with the `WWW-Authenticate` challenge. */
export function bearerAuthChallengeResponse(
  error: unknown,
  options: { requiredScopes?: string[]; resourceMetadataUrl?: string } = {},
): Response {
  if (!(error instanceof OAuthError)) {
    return Response.json(
      { error: OAuthErrorCode.ServerError, error_description: 'Internal Server Error' },
      { status: 500 },
    );
  }
  const status =
    error.code === OAuthErrorCode.InvalidToken ? 401 : error.code === OAuthErrorCode.InsufficientScope ? 403 : 500;
  if (status === 500) return Response.json(error.toResponseObject(), { status });
  let challenge = `Bearer error="${quoted(error.code)}", error_description="${quoted(error.message)}"`;
  const scopes = options.requiredScopes ?? [];
  if (scopes.length > 0) challenge += `, scope="${quoted(scopes.join(' '))}"`;
  if (options.resourceMetadataUrl) challenge += `, resource_metadata="${quoted(options.resourceMetadataUrl)}"`;
  return Response.json(error.toResponseObject(), { status, headers: { 'WWW-Authenticate': challenge } });
}

/** The scopes an MCP request needs before it is handled; `undefined` when it may go ahead. */
export interface ScopeChallenge {
  scopes: readonly [string, ...string[]];
  errorDescription?: string;
}

export type ScopeChallengeHandler = (context: {
  request: JSONRPCRequest;
  authInfo?: AuthInfo;
}) => ScopeChallenge | undefined | Promise<ScopeChallenge | undefined>;

function sameResource(reported: URL | undefined, expected: URL): boolean {
  const comparable = (value: URL) => value.href.replace(/#.*$/, '').replace(/\/$/, '');
  return reported !== undefined && comparable(reported) === comparable(expected);
}

/** An RFC 7230 quoted-string body: `\` and `"` escaped, anything unprintable replaced. */
function quoted(value: string): string {
  return value.replace(/[\\"]/g, '\\$&').replace(/[^\u0020-\u007E]/g, ' ');
}
