/**
 * Probes from load balancers and orchestrators: answered for any Host header (a Kubernetes probe sends the
 * pod IP, a Docker HEALTHCHECK localhost), without a token, with nothing about the configuration in the body,
 * whether or not Scalekit is reachable; readiness turns 503 once shutdown starts.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

/** A GET with an explicit Host header (fetch would not send one of our choosing). */
function probe(server: TestServer, path: string, host: string) {
  return new Promise<{ status: number; body: string; cacheControl: string | undefined }>((resolve, reject) => {
    const req = request(`${server.origin}${path}`, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cacheControl: res.headers['cache-control'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PROBE_HOSTS = ['10.1.2.3:3000', 'localhost:3000', '[fd00::1]:8080', 'attacker.example'];

describe('a running server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MCP_SERVER_URL: 'https://mcp.example.com/mcp', HOST: '127.0.0.1' } });
  });
  afterAll(() => server.close());

  it.each(PROBE_HOSTS)('answers /healthz and /readyz with 200 for Host %s, and nothing else with it', async (host) => {
    expect(await probe(server, '/healthz', host)).toEqual({
      status: 200,
      body: '{"status":"ok"}',
      cacheControl: 'no-store',
    });
    expect(await probe(server, '/readyz', host)).toEqual({
      status: 200,
      body: '{"status":"ready"}',
      cacheControl: 'no-store',
    });
    // The guards still stand for everything else.
    expect((await probe(server, '/.well-known/oauth-protected-resource/mcp', host)).status).toBe(403);
  });

  it('stays ready while Scalekit is unreachable (requests get 401, not a fleet with no ready pod)', async () => {
    await server.scalekit.goDown();
    try {
      expect((await probe(server, '/readyz', 'mcp.example.com')).status).toBe(200);
      expect((await probe(server, '/healthz', 'mcp.example.com')).status).toBe(200);
    } finally {
      await server.scalekit.comeBack();
    }
  });
});

describe('a server that is shutting down', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ readiness: { ready: false } });
  });
  afterAll(() => server.close());

  it('answers /readyz with 503 and stays live', async () => {
    expect(await probe(server, '/readyz', '10.1.2.3:3000')).toMatchObject({
      status: 503,
      body: '{"status":"shutting_down"}',
    });
    expect((await probe(server, '/healthz', '10.1.2.3:3000')).status).toBe(200);
  });
});
