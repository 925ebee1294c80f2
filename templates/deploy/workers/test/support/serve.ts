/**
 * How the tests serve things inside the Workers runtime, where a test cannot listen on a port: each
 * loopback origin is a route in a `fetch` stand-in installed on `globalThis`. The app (./app-slot.ts) and
 * the Scalekit fake (./fake-scalekit.ts) see ordinary fetches; nothing leaves the runtime. The origins are
 * never listened on.
 */

/** A fake's answer to a GET, or 'hang' for one that never comes. */
/** `delayMs`: answer that much later (a slow upstream). */
export type Answer = { status: number; json?: unknown; text?: string; delayMs?: number } | 'hang';

export interface Served {
  url: string;
  /** Stop answering: connections are refused until `restart()`. */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export type Route = (request: Request) => Promise<Response>;

/** Loopback origin → what answers there ('down': connections are refused). */
export const routes = new Map<string, Route | 'down'>();
let nextPort = 41_000;
let installed = false;

/** A fresh loopback origin, routed through the `fetch` stand-in. */
export function claimOrigin(): string {
  if (!installed) {
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      const route = routes.get(new URL(request.url).origin);
      if (route === 'down') throw new TypeError('fetch failed: connection refused');
      return route ? route(request) : realFetch(request);
    };
    installed = true;
  }
  return `http://127.0.0.1:${nextPort++}`;
}

export async function serveHandler(answer: (path: string, base: string) => Answer): Promise<Served> {
  const url = claimOrigin();
  const route: Route = async (request) => {
    const result = answer(new URL(request.url).pathname, url);
    if (result === 'hang') {
      return new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true }),
      );
    }
    if (result.delayMs) await new Promise((resolve) => setTimeout(resolve, result.delayMs));
    if (result.json !== undefined) return Response.json(result.json, { status: result.status });
    return new Response(result.text ?? null, { status: result.status });
  };
  routes.set(url, route);
  return {
    url,
    stop: async () => void routes.set(url, 'down'),
    restart: async () => void routes.set(url, route),
  };
}

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | undefined>;
}

/**
 * A request `fetch` would not send as is: a `Host` header of our choosing, or a header given several
 * times (an array: joined with ", " as any HTTP front end does).
 */
export async function rawRequest(
  url: string,
  init: { method?: string; headers: Record<string, string | string[]>; body?: string },
): Promise<RawResponse> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(init.headers))
    for (const item of [value].flat()) headers.append(name, item);
  const route = routes.get(new URL(url).origin);
  if (typeof route !== 'function') throw new Error(`Nothing serves ${url}`);
  const response = await route(new Request(url, { method: init.method ?? 'GET', headers, body: init.body }));
  return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
}
