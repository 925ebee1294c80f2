/** Who is calling, from the verified token the bearer gate attached to the request. */
import type { ServerContext } from '@modelcontextprotocol/server';

export interface Caller {
  /** The user id (`sub`); for machine-to-machine tokens, the client id. */
  subject: string;
  clientId: string;
  scopes: string[];
}

export function callerOf(ctx: ServerContext): Caller {
  const auth = ctx.http?.authInfo;
  // The gate rejects every request without a verified token before any tool runs, so this is a bug guard.
  if (!auth) throw new Error('No verified token on this request');
  const subject = typeof auth.extra?.subject === 'string' ? auth.extra.subject : auth.clientId;
  return { subject, clientId: auth.clientId, scopes: auth.scopes };
}
