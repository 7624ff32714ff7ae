import { defineConfig } from 'vitest/config';

// `npm run test:nat`: the full connectivity matrix on the NAT testbed (root,
// network namespaces, the built gateway). Kept out of the root config's
// include (`*.nat.ts`, not `*.test.ts`) so `npm test` runs only the smoke subset.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['e2e/nat/**/*.nat.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
