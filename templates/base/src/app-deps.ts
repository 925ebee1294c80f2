/**
 * What the HTTP app is built from, independent of the framework. Production builds everything from the
 * config; tests swap in a local key set and a quiet logger.
 */
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { JWTVerifyGetKey } from 'jose';
import { createAuthorizationServerMirror, type MirrorResponse } from './auth/authorization-server-mirror.js';
import { createBearerGate, type BearerGate } from './auth/bearer-gate.js';
import { createScalekitKeySet } from './auth/key-set.js';
import { protectedResource, type ProtectedResource } from './auth/protected-resource.js';
import { cachingTokenVerifier, type TokenCacheOptions } from './auth/token-cache.js';
import { createScalekitTokenVerifier } from './auth/token-verifier.js';
import type { ServerConfig } from './config.js';
import { jsonLogger, type Logger } from './log.js';
import { createMcpEndpoint, SERVER_NAME } from './mcp/server.js';
import { PROMPT_SCOPES, RESOURCE_SCOPES, SCOPES, TOOL_SCOPES } from './mcp/tool-scopes.js';

export interface AppParts {
  config: ServerConfig;
  log: Logger;
  protectedResource: ProtectedResource;
  checkBearer: BearerGate;
  authorizationServerMetadata: () => Promise<MirrorResponse>;
  mcp: McpHttpHandler;
}

export interface AppOverrides {
  log?: Logger;
  /** Signing keys; defaults to Scalekit's key set at `<env>/keys`, fetched on first use and cached. */
  keys?: JWTVerifyGetKey;
  /** How verified tokens are remembered (see auth/token-cache.ts); `false` verifies every request from scratch. */
  tokenCache?: TokenCacheOptions | false;
  /**
   * For benchmarks and tests only: replaces token verification entirely (with this set, `keys` is unused
   * and no token is checked). Never set it in production code. No environment variable or configuration
   * reaches it: only code that builds the app itself can pass it.
   */
  bearerGate?: BearerGate;
  /** Lists show only what the caller's token may use; defaults to FILTER_LISTS_BY_SCOPE in mcp/tool-scopes.ts. */
  filterLists?: boolean;
}

export function buildAppParts(config: ServerConfig, overrides: AppOverrides = {}): AppParts {
  const log = overrides.log ?? jsonLogger;
  const keys =
    overrides.keys ??
    createScalekitKeySet({ url: config.scalekit.jwksUrl, cooldownMs: config.jwksCooldownSeconds * 1000 });
  const resource = protectedResource(config, Object.keys(SCOPES), SERVER_NAME);
  const signatureVerifier = createScalekitTokenVerifier({
    keys,
    issuers: config.scalekit.issuers,
    resourceId: config.scalekit.resourceId,
    serverUrl: config.mcpServerUrl,
    serverUrlInAudience: config.serverUrlInAudience,
  });
  const verifier =
    overrides.tokenCache === false ? signatureVerifier : cachingTokenVerifier(signatureVerifier, overrides.tokenCache);
  return {
    config,
    log,
    protectedResource: resource,
    checkBearer:
      overrides.bearerGate ??
      createBearerGate({
        verifier,
        resourceMetadataUrl: resource.metadataUrl,
        expectedResource: config.mcpServerUrl,
        challengeScopes: challengeScopes(),
      }),
    authorizationServerMetadata: createAuthorizationServerMirror({ source: config.scalekit.metadataUrl }),
    mcp: createMcpEndpoint(log, undefined, { filterLists: overrides.filterLists }),
  };
}

/**
 * The scopes a 401 challenge asks for: every scope some tool, prompt or resource needs, so a typical user
 * consents once. For least privilege, narrow this to what most sessions need: clients step up (403) for the rest.
 */
function challengeScopes(): string[] {
  return [
    ...new Set(
      [TOOL_SCOPES, PROMPT_SCOPES, RESOURCE_SCOPES].flatMap((policy): readonly string[] =>
        Object.values<readonly string[]>(policy).flat(),
      ),
    ),
  ];
}
