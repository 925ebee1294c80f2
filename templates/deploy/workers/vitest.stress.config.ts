import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** `npm run test:stress`: the checks that take time on purpose (load, real key-set timeouts), in workerd too. */
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  test: {
    include: ['test/stress/**/*.test.ts'],
    // Scalekit is played in-process (test/support/serve.ts): nothing reaches Scalekit or the internet.
    testTimeout: 90_000,
  },
});
