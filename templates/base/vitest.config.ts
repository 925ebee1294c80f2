import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real HTTP servers on 127.0.0.1; they never reach Scalekit or the internet.
    testTimeout: 15_000,
  },
});
