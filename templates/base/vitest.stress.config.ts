import { defineConfig } from 'vitest/config';

/** `npm run test:stress`: the checks that take time on purpose (load, real key-set timeouts, a real process). */
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    // Tests start real HTTP servers on 127.0.0.1; they never reach Scalekit or the internet.
    testTimeout: 90_000,
  },
});
