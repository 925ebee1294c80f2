import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tests run inside the Workers runtime (workerd), with this Worker's bindings from wrangler.jsonc.
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  test: {
    include: ['test/**/*.test.ts'],
    // Scalekit is played in-process (test/support/serve.ts): nothing reaches Scalekit or the internet.
    testTimeout: 15_000,
  },
});
