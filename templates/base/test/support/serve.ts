/**
 * How the tests serve things on Node: real HTTP listeners on 127.0.0.1, random ports. Fakes
 * (./fake-scalekit.ts) answer through `serveHandler`; the app is served by ./app-slot.ts.
 */
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake's answer to a GET, or 'hang' for one that never comes. */
/** `delayMs`: answer that much later (a slow upstream). */
export type Answer = { status: number; json?: unknown; text?: string; delayMs?: number } | 'hang';

export interface Served {
  url: string;
  /** Stop listening: connections are refused until `restart()`. */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function serveHandler(answer: (path: string, base: string) => Answer): Promise<Served> {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const result = answer(req.url ?? '/', `http://${req.headers.host}`);
    if (result === 'hang') return void hanging.add(res);
    const send = () => {
      if (result.json !== undefined)
        res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.json));
      else res.writeHead(result.status).end(result.text);
    };
    if (!result.delayMs) return send();
    hanging.add(res);
    setTimeout(() => {
      if (hanging.delete(res)) send();
    }, result.delayMs);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, stop, restart: () => listen(port) };
}

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | undefined>;
}

/**
 * A request `fetch` cannot send: a `Host` header of our choosing, or a header sent as several lines
 * (an array).
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers: Record<string, string | string[]>; body?: string },
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET' });
    for (const [name, value] of Object.entries(init.headers)) req.setHeader(name, value);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(res.headers).map(([name, value]) => [name, [value].flat().join(', ')]),
        );
        resolve({ status: res.statusCode ?? 0, body, headers });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
