import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow checks (thousands of requests, real timeouts, a real process) run with `npm run test:stress`.
    exclude: [...configDefaults.exclude, 'test/stress/**'],
    // Tests start real HTTP servers on 127.0.0.1; they never reach Scalekit or the internet.
    testTimeout: 15_000,
    // Test files share each worker's loaded modules instead of importing the app again per file (about four
    // times less work). They stay independent: every test builds its own server and store, and nothing here
    // mocks modules or changes module state. A test that does (vi.mock, a changed global) needs `isolate: true`.
    isolate: false,
  },
});
