import { defineConfig } from 'vitest/config';

// The smoke suite `npm run test:node-matrix` (scripts/node-matrix.mjs) runs once per Node release of the matrix,
// with that Node running vitest and first on PATH. Not part of `npm test`, which runs on this machine's Node.
export default defineConfig({
  test: {
    name: 'smoke',
    include: ['test/smoke/**/*.test.ts'],
    // Scaffolds and installs the Express and Hono fixture projects, as the integration project does.
    globalSetup: ['test/smoke/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
