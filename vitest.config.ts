import { defineConfig } from 'vitest/config';

// Date-window code depends on the time zone: pin it, as Arquero's tests do.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/setup/postgres.ts'],
  },
});
