import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    env: { TZ: 'UTC' },
    // a temporary folder per run, removed at the end (test/support/temp-root.ts)
    globalSetup: ['test/support/temp-root.ts'],
  },
});
