/**
 * One structured log line (`request_rejected`) per refused request, written by the framework adapter once the
 * answer is known, so every refusal is logged exactly once whichever layer refused it: the Host or Origin
 * guard (403), the bearer gate (401), a tool's scope check (403 insufficient_scope, from this module or from
 * the SDK) or the body limit (413).
 */
import type { LogFields } from '../log.js';
import type { GateRejection } from './bearer-gate.js';

/** Why this module refused a request: a stable reason code, and the client when it is known. */
export interface Rejection extends GateRejection {
  requiredScope?: string;
}

export interface AnsweredRequest {
  status: number;
  method: string;
  path: string;
  wwwAuthenticate: string | null | undefined;
  /** Set when this module refused the request itself. */
  rejection: Rejection | undefined;
  /** The verified client, when the request got past the bearer gate. */
  clientId: string | undefined;
}

export const REJECTED_EVENT = 'request_rejected';

const REFUSALS = new Set([401, 403, 413]);

/** The log fields for a refused request, or undefined when the request was not refused. */
export function rejectionLogFields(request: AnsweredRequest): LogFields | undefined {
  if (!REFUSALS.has(request.status)) return undefined;
  const base = { status: request.status, method: request.method, path: request.path };
  const { rejection } = request;
  if (rejection) {
    return {
      ...base,
      reason: rejection.reason,
      client_id: rejection.clientId ?? request.clientId,
      required_scope: rejection.requiredScope,
    };
  }
  if (request.status === 413) return { ...base, reason: 'body_too_large', client_id: request.clientId };
  // A 403 step-up the SDK answered after this module let the request through.
  const requiredScope = /error="insufficient_scope".*?scope="([^"]*)"/.exec(request.wwwAuthenticate ?? '')?.[1];
  if (requiredScope !== undefined)
    return { ...base, reason: 'insufficient_scope', required_scope: requiredScope, client_id: request.clientId };
  return { ...base, reason: request.status === 403 ? 'forbidden' : 'unauthorized', client_id: request.clientId };
}
