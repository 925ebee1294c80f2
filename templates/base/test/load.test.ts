/**
 * Many authenticated requests at once, valid and invalid mixed: every answer is the right one.
 * The same check with 2,000 requests runs with `npm run test:stress` (test/stress/load.test.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countWrongAnswers } from './support/mixed-load.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('answers 200 concurrent mixed requests with zero wrong answers', async () => {
  expect(await countWrongAnswers(server, { total: 200, concurrency: 20 })).toBe(0);
});
