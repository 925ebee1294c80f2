/**
 * The server's real key-set timing, end to end: when Scalekit's key set fails before any key was fetched, a
 * request is refused with a 401 challenge within a few seconds (the fetch timeout), the next ones at once
 * (the retry window), and the server accepts tokens again about a second after the key set is back.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { initialize, mcpPost, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

async function timed(
  action: () => Promise<Response>,
): Promise<{ status: number; ms: number; challenge: string | null }> {
  const started = performance.now();
  const response = await action();
  await response.arrayBuffer();
  return {
    status: response.status,
    ms: performance.now() - started,
    challenge: response.headers.get('www-authenticate'),
  };
}

for (const fault of ['error', 'hang', 'down'] as const) {
  it(`refuses with 401 within a few seconds when the key set is ${fault === 'down' ? 'unreachable' : `answering with ${fault === 'error' ? 'a 500' : 'nothing (hanging)'}`}, then recovers`, async () => {
    if (fault === 'down') await server.scalekit.goDown();
    else server.scalekit.keySetMode = fault;
    const token = await server.token();

    const refused = await timed(() => mcpPost(server, initialize, { token }));
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error="invalid_token"');
    expect(refused.ms).toBeLessThan(4_000);
    // While it is failing, further requests are refused at once instead of each waiting for a timeout.
    const again = await timed(() => mcpPost(server, initialize, { token }));
    expect(again.status).toBe(401);
    expect(again.ms).toBeLessThan(500);

    if (fault === 'down') await server.scalekit.comeBack();
    else server.scalekit.keySetMode = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the fail-fast window
    expect((await mcpPost(server, initialize, { token })).status).toBe(200);
  });
}
