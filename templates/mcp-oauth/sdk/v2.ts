/**
 * The MCP SDK helpers this module builds on, from the v2 SDK (`@modelcontextprotocol/server`). Every other
 * file in the module imports them from here, so the same files also serve projects on the v1 SDK, whose copy
 * of this file builds the same helpers on `@modelcontextprotocol/sdk`.
 */
import {
  bearerAuthChallengeResponse,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  UriTemplate,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import type {
  AuthInfo,
  JSONRPCRequest,
  OAuthProtectedResourceMetadata,
  OAuthTokenVerifier,
  ScopeChallenge,
  ScopeChallengeHandler,
} from '@modelcontextprotocol/server';

export {
  bearerAuthChallengeResponse,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  UriTemplate,
  verifyBearerToken,
};
export type {
  AuthInfo,
  JSONRPCRequest,
  OAuthProtectedResourceMetadata,
  OAuthTokenVerifier,
  ScopeChallenge,
  ScopeChallengeHandler,
};

/**
 * The v2 SDK checks each tool's, prompt's and resource's scopes itself (`registerTool` / `registerPrompt` /
 * `registerResource` with `{ scopeChallenge }`), before the handler runs, so the guard does not read request bodies.
 */
export const SDK_CHECKS_TOOL_SCOPES = true;
