/** Many authenticated requests at once, valid and invalid mixed: every answer is the right one. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initialize, mcpPost, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('answers 2,000 mixed requests with zero wrong answers', async () => {
  const tokens = {
    valid: await server.token(),
    expired: await server.token({ exp: Math.floor(Date.now() / 1000) - 60 }),
    foreign: await server.token({ aud: ['res_other'] }),
  };
  const kinds = ['valid', 'expired', 'foreign', 'none'] as const;
  const expected = { valid: 200, expired: 401, foreign: 401, none: 401 };
  let wrong = 0;
  let next = 0;
  const total = 2_000;
  const worker = async () => {
    for (let index = next++; index < total; index = next++) {
      const kind = kinds[index % kinds.length]!;
      const response = await mcpPost(server, initialize, kind === 'none' ? {} : { token: tokens[kind] });
      await response.arrayBuffer();
      if (response.status !== expected[kind]) wrong += 1;
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  expect(wrong).toBe(0);
}, 60_000);
