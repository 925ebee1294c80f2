/**
 * A mirror of Scalekit's authorization-server metadata at this server's own
 * `/.well-known/oauth-authorization-server`, for clients of the 2025-03-26 spec that look for it on the
 * MCP server's origin. Fetched on first use and cached, so start-up never depends on Scalekit; when
 * Scalekit cannot be reached the mirror answers 502 with a JSON error instead of hanging.
 */
export interface MirrorResponse {
  status: number;
  body: unknown;
}

export interface MirrorOptions {
  source: URL;
  ttlMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createAuthorizationServerMirror(options: MirrorOptions): () => Promise<MirrorResponse> {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const fetchImpl = options.fetch ?? fetch;
  let cached: { body: unknown; expiresAt: number } | undefined;
  let pending: Promise<MirrorResponse> | undefined;

  async function refresh(): Promise<MirrorResponse> {
    try {
      const response = await fetchImpl(options.source, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) return unavailable(`Scalekit answered ${response.status}`);
      const body: unknown = await response.json();
      cached = { body, expiresAt: Date.now() + ttlMs };
      return { status: 200, body };
    } catch {
      return unavailable('Scalekit could not be reached');
    }
  }

  return async () => {
    if (cached && cached.expiresAt > Date.now()) return { status: 200, body: cached.body };
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    const result = await pending;
    // A stale copy beats an error: the document changes rarely.
    return result.status !== 200 && cached ? { status: 200, body: cached.body } : result;
  };
}

function unavailable(detail: string): MirrorResponse {
  return {
    status: 502,
    body: {
      error: 'temporarily_unavailable',
      error_description: `Authorization server metadata unavailable: ${detail}`,
    },
  };
}
