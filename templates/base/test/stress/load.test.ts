/** Sustained load: 2,000 authenticated requests, 20 at a time, valid and invalid mixed; every answer is right. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countWrongAnswers } from '../support/mixed-load.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('answers 2,000 mixed requests with zero wrong answers', async () => {
  expect(await countWrongAnswers(server, { total: 2_000, concurrency: 20 })).toBe(0);
});
