import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow checks (thousands of requests, real timeouts, a real process) run with `npm run test:stress`.
    exclude: [...configDefaults.exclude, 'test/stress/**'],
    // Tests start real HTTP servers on 127.0.0.1; they never reach Scalekit or the internet.
    testTimeout: 15_000,
  },
});
