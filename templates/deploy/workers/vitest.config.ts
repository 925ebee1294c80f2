import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // The tests run inside the Workers runtime (workerd), with this Worker's bindings from wrangler.jsonc.
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  test: {
    include: ['test/**/*.test.ts'],
    // The slow checks (thousands of requests, real key-set timeouts) run with `npm run test:stress`.
    exclude: [...configDefaults.exclude, 'test/stress/**'],
    // Scalekit is played in-process (test/support/serve.ts): nothing reaches Scalekit or the internet.
    testTimeout: 15_000,
    // Test files share the runtime and its loaded modules instead of starting over per file (several times
    // faster). They stay independent: every test builds its own app, each app keeps its users' todos apart
    // (test/support/app-slot.ts), and nothing mocks modules. A test that does needs `isolate: true`.
    isolate: false,
  },
});
