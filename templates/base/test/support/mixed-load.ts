/**
 * Many authenticated requests at once, valid and invalid tokens mixed: the fast suite sends a few hundred
 * (test/load.test.ts), `npm run test:stress` thousands (test/stress/load.test.ts).
 */
import { initialize, mcpPost, type TestServer } from './test-server.js';

/** Sends `total` initialize requests, `concurrency` at a time; resolves with how many got a wrong status. */
export async function countWrongAnswers(
  server: TestServer,
  { total, concurrency }: { total: number; concurrency: number },
): Promise<number> {
  const tokens = {
    valid: await server.token(),
    expired: await server.token({ exp: Math.floor(Date.now() / 1000) - 60 }),
    foreign: await server.token({ aud: ['res_other'] }),
  };
  const kinds = ['valid', 'expired', 'foreign', 'none'] as const;
  const expected = { valid: 200, expired: 401, foreign: 401, none: 401 };
  let wrong = 0;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < total; index = next++) {
      const kind = kinds[index % kinds.length]!;
      const response = await mcpPost(server, initialize, kind === 'none' ? {} : { token: tokens[kind] });
      await response.arrayBuffer();
      if (response.status !== expected[kind]) wrong += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return wrong;
}
