import { defineConfig } from 'vitest/config'
import { perf, tiers } from './src/plugin.ts'

export default defineConfig({
  // 'vitest-perf/load' first: an alias also matches the paths below its key.
  resolve: {
    alias: {
      'vitest-perf/load': new URL('./src/load.ts', import.meta.url).pathname,
      'vitest-perf': new URL('./src/index.ts', import.meta.url).pathname,
    },
  },
  plugins: [
    perf({
      baselines: 'baselines',
      results: 'perf-results',
      // No MongoDB server exists on our machines (no Debian package, no registry): its
      // integration test skips with the reason, even under CI.
      infra: { mongodb: { onUnavailable: 'skip' } },
    }),
  ],
  test: {
    projects: [
      ...tiers(),
      // e2e files start Vitest, servers and browsers of their own: one at a time, like tier2.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
})
