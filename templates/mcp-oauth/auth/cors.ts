/**
 * CORS for browser-based MCP clients (MCP Inspector, web hosts). Tokens travel in the Authorization
 * header, never in cookies, so any origin may read responses; which origins may *call* the MCP endpoint
 * is decided separately by the Origin guard (DNS-rebinding protection).
 */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'MCP-Protocol-Version',
  'Mcp-Session-Id',
  'Last-Event-ID',
  'Mcp-Method',
  'Mcp-Name',
];

/** Without these, a browser client cannot read the challenge that starts its OAuth flow. */
export const CORS_EXPOSED_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version'];

export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];

export const CORS_MAX_AGE_SECONDS = 86_400;
