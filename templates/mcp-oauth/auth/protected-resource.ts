/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): how MCP clients find Scalekit from this server.
 * Served at the path-suffixed well-known URL (clients probe it first) and at the root one (some clients
 * only probe the root). The SDK's own builders want the full authorization-server document up front;
 * this server must start without reaching Scalekit, so it states the few fields itself.
 */
import { getOAuthProtectedResourceMetadataUrl, type OAuthProtectedResourceMetadata } from '../sdk.js';
import type { ServerConfig } from '../config.js';

export interface ProtectedResource {
  document: OAuthProtectedResourceMetadata;
  /** The path-suffixed URL: the one every challenge advertises. */
  metadataUrl: string;
  /** Paths (on this origin) to serve the document at. */
  paths: string[];
}

export function protectedResource(
  config: ServerConfig,
  scopes: readonly string[],
  resourceName: string,
): ProtectedResource {
  const metadataUrl = getOAuthProtectedResourceMetadataUrl(config.mcpServerUrl);
  return {
    document: {
      // Exactly the URL clients connect to: they reject metadata whose resource is not a prefix of it.
      resource: config.mcpServerUrl.href,
      // Must equal the issuer in Scalekit's metadata, character for character.
      authorization_servers: [config.scalekit.authorizationServer],
      bearer_methods_supported: ['header'],
      // `offline_access` is the client's business (refresh tokens), never a scope this server needs.
      scopes_supported: scopes.filter((scope) => scope !== 'offline_access'),
      resource_name: resourceName,
    },
    metadataUrl,
    paths: [...new Set([new URL(metadataUrl).pathname, '/.well-known/oauth-protected-resource'])],
  };
}
