import { defineConfig } from 'vitest/config';

// Tests import workspace packages through their "source" export condition, so
// `vitest` runs against TypeScript sources without a prior build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './.ci/summary-reporter.ts'],
  },
});
