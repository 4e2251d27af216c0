import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; interop tests talk to a real
    // peer. Both bound their own work, so a generous ceiling only catches hangs.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
