/**
 * Where Scalekit publishes what this server needs, derived from the environment URL and the resource id.
 * Scalekit scopes its authorization server per MCP resource: `<env>/resources/<res_id>` is the issuer
 * clients discover (and must match `authorization_servers[0]` exactly), while keys live at `<env>/keys`.
 */
export interface ScalekitEndpoints {
  /** `https://<env>.scalekit.com`, no trailing slash. */
  environmentUrl: string;
  resourceId: string;
  /** The per-resource authorization server: the PRM's `authorization_servers[0]`. */
  authorizationServer: string;
  /** Token issuers to accept: Scalekit is migrating from the bare environment URL to the per-resource form. */
  issuers: string[];
  jwksUrl: URL;
  /** The authorization server's own metadata document (RFC 8414, Scalekit's location). */
  metadataUrl: URL;
}

export function scalekitEndpoints(environmentUrl: string, resourceId: string): ScalekitEndpoints {
  const environment = environmentUrl.replace(/\/+$/, '');
  const authorizationServer = `${environment}/resources/${resourceId}`;
  return {
    environmentUrl: environment,
    resourceId,
    authorizationServer,
    issuers: [authorizationServer, environment],
    jwksUrl: new URL(`${environment}/keys`),
    metadataUrl: new URL(`${authorizationServer}/.well-known/oauth-authorization-server`),
  };
}

export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}
