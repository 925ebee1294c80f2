/**
 * Scalekit's shapes (see the fact sheet, §2) and the names users need in a fix: the generated server's environment
 * variables and the dashboard fields. Doctor works against any MCP server; these only sharpen the advice.
 */

export { ENV } from '../core/env.js';

export const DASHBOARD = {
  serverUrl: 'Scalekit dashboard > MCP Servers > your server > Server URL',
  scopes: 'Scalekit dashboard > MCP Servers > your server > Scopes',
  dcr: 'Scalekit dashboard > MCP Servers > your server > Dynamic Client Registration',
  cimd: 'Scalekit dashboard > MCP Servers > your server > Client ID Metadata Document',
  metadataJson: 'Scalekit dashboard > MCP Servers > your server > Metadata JSON',
} as const;

export interface ScalekitResourceServer {
  /** `https://<env>`, no trailing slash. */
  environmentUrl: string;
  /** `res_…` */
  resourceId: string;
}

/** Splits `https://<env>/resources/<res_id>` (Scalekit's per-resource issuer); `undefined` for any other shape. */
export function parseScalekitAuthorizationServer(authorizationServer: string): ScalekitResourceServer | undefined {
  let url: URL;
  try {
    url = new URL(authorizationServer);
  } catch {
    return undefined;
  }
  const match = /^(.*)\/resources\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || !match[2]) return undefined;
  return { environmentUrl: `${url.origin}${match[1] ?? ''}`, resourceId: decodeURIComponent(match[2]) };
}

export function isScalekitHost(hostname: string): boolean {
  return /(^|\.)scalekit\.(com|dev|cloud)$/i.test(hostname);
}
