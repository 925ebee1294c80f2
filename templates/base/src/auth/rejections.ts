/**
 * One structured log line per refused request, written at the edge once the answer is known, so every
 * refusal is logged exactly once whichever layer refused it: the bearer gate (401), a tool's scope check
 * (403 insufficient_scope), the Host/Origin guards (403) or the body limit (413).
 */
import { validateHostHeader } from '@modelcontextprotocol/server';
import type { LogFields } from '../log.js';
import type { GateRejection } from './bearer-gate.js';

export interface AnsweredRequest {
  status: number;
  method: string;
  path: string;
  host: string | undefined;
  wwwAuthenticate: string | null | undefined;
  /** Set when the bearer gate refused the request. */
  gateRejection: GateRejection | undefined;
  /** The verified client, when the request got past the gate. */
  clientId: string | undefined;
}

const REFUSALS = new Set([401, 403, 413]);

/** The log fields for a refused request, or undefined when the request was not refused. */
export function rejectionLogFields(request: AnsweredRequest, allowedHosts: string[]): LogFields | undefined {
  if (!REFUSALS.has(request.status)) return undefined;
  const base = { status: request.status, method: request.method, path: request.path };
  if (request.gateRejection)
    return { ...base, reason: request.gateRejection.reason, client_id: request.gateRejection.clientId };
  if (request.status === 413) return { ...base, reason: 'body_too_large', client_id: request.clientId };
  const requiredScope = /error="insufficient_scope".*?scope="([^"]*)"/.exec(request.wwwAuthenticate ?? '')?.[1];
  if (requiredScope !== undefined)
    return { ...base, reason: 'insufficient_scope', required_scope: requiredScope, client_id: request.clientId };
  if (request.status === 403) {
    const hostAllowed = validateHostHeader(request.host, allowedHosts).ok;
    return { ...base, reason: hostAllowed ? 'origin_not_allowed' : 'host_not_allowed' };
  }
  return { ...base, reason: 'unauthorized' };
}
