/**
 * Just enough of MCP's Streamable HTTP transport to talk like a host: JSON-RPC bodies, the headers hosts send, and
 * reading an answer that may come back as plain JSON or as a Server-Sent Events stream.
 */
import { isJsonObject, parseJson, type HttpResponse } from './http.js';

/** The 2025-era revision most hosts send in `initialize` (the official SDK's latest 2025 revision). */
export const PROTOCOL_VERSION = '2025-11-25';
export const CLIENT_INFO = { name: 'create-mcp-oauth-doctor', version: '1' } as const;

export function mcpHeaders(protocolVersion: string = PROTOCOL_VERSION): Record<string, string> {
  return {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': protocolVersion,
  };
}

export function initializeBody(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
  });
}

export function requestBody(id: number, method: string, params?: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
}

export function notificationBody(method: string): string {
  return JSON.stringify({ jsonrpc: '2.0', method });
}

export interface JsonRpcResponse {
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** Data payloads of an SSE stream (RFC: events separated by a blank line; `data:` lines joined with `\n`). */
export function sseDataPayloads(text: string): string[] {
  const payloads: string[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split('\n\n')) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length > 0) payloads.push(data.join('\n'));
  }
  return payloads;
}

/** Finds the JSON-RPC response with `id` in a JSON or SSE body; `undefined` if it is not there (yet). */
export function findJsonRpcResponse(body: string, contentType: string | null, id: number): JsonRpcResponse | undefined {
  const candidates = isEventStream(contentType) ? sseDataPayloads(body).map(parseJson) : [parseJson(body)];
  for (const candidate of candidates) {
    const messages = Array.isArray(candidate) ? candidate : [candidate];
    for (const message of messages) {
      if (isJsonObject(message) && message.id === id && ('result' in message || 'error' in message)) {
        return {
          id: message.id,
          result: isJsonObject(message.result) ? message.result : undefined,
          error: isJsonObject(message.error) ? message.error : undefined,
        };
      }
    }
  }
  return undefined;
}

export function isEventStream(contentType: string | null): boolean {
  return (contentType ?? '').toLowerCase().startsWith('text/event-stream');
}

/** A `readBody` predicate that stops reading an SSE stream once the response to `id` has arrived. */
export function untilResponse(id: number): { until: (text: string) => boolean } {
  // Content type is unknown to the predicate; both parses are cheap and a JSON body simply completes.
  return { until: (text) => findJsonRpcResponse(text, 'text/event-stream', id) !== undefined };
}

/** Reads the JSON-RPC answer out of an HTTP response, or says in words why there is none. */
export function readJsonRpc(response: HttpResponse, id: number): { message?: JsonRpcResponse; problem?: string } {
  const contentType = response.headers.get('content-type');
  const message = findJsonRpcResponse(response.body, contentType, id);
  if (message) return { message };
  if (response.bodyError) return { problem: response.bodyError };
  if (!contentType) return { problem: 'the response has no Content-Type' };
  return { problem: `no JSON-RPC response with id ${id} in the ${contentType.split(';')[0]} body` };
}
