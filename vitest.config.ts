import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'test/pty/**/*.test.ts',
            'test/doctor/**/*.test.ts',
            'test/local-as/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Suites that need real generated projects: the fixture scaffolds and installs them once per run.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
