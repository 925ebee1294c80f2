/** What every check needs: the URL under test, the guarded HTTP client, the clock and the resolved options. */
import type { CredentialGuard } from './guard.js';
import type { HttpClient } from './http.js';
import type { RegistrationMode } from './options.js';

export interface DoctorContext {
  mcpUrl: URL;
  http: HttpClient;
  guard: CredentialGuard;
  /** Milliseconds since the epoch. */
  now: () => number;
  registration?: RegistrationMode;
  resourceId?: string;
  probeTools: boolean;
  /** A browser origin that should be allowed (CORS checks). */
  browserOrigin: string;
  /** An origin that must be refused (DNS-rebinding check). */
  hostileOrigin: string;
  /**
   * Resolves once the unauthenticated request of step 1 is answered (true) or not (false). When the MCP endpoint does
   * not answer at all, later checks whose own requests also got no answer say "see challenge.status" instead of
   * repeating the same failure a dozen times.
   */
  endpointAnswered: Promise<boolean>;
}

export const SERVER_SILENT = 'not evaluated: the MCP server did not answer (see challenge.status)';

/** The well-known URL for `kind` with the MCP path appended (RFC 9728 §3.1), or the root one for a path-less URL. */
export function wellKnownUrl(
  kind: 'oauth-protected-resource' | 'oauth-authorization-server',
  base: URL,
  suffixPath = true,
): URL {
  const path = suffixPath ? base.pathname.replace(/\/+$/, '') : '';
  return new URL(`/.well-known/${kind}${path}`, base.origin);
}
