import { defineConfig } from 'vitest/config'
import { perf, tiers } from './src/plugin.ts'

/** e2e files that judge no timing: two at a time (the 'e2e' project); every other e2e file is in 'e2e-timing'. */
const E2E_SIDE_BY_SIDE = [
  'package-build',
  'report-files',
  'report-html-chromium',
  'report-vitest-ui-chromium',
  'infra-credentials',
  'infra-killed-run',
  'live-progress-tty',
  'interrupt-partial-results',
]

const E2E_TIMEOUTS = { testTimeout: 180_000, hookTimeout: 180_000 }

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
    // Two workers on our 2-core machines (Vitest's default is one fewer than the cores): tier1
    // took 101 s with one and 64 s with two; tier2 and e2e run one file at a time anyway.
    maxWorkers: 2,
    projects: [
      // Our two endurance files watch their own process's heap and handles at low load (200/s at
      // most): side by side in two processes they do not disturb each other, and CI saves ~45 s.
      ...tiers().map((p) => (p.test?.name === 'tier3' ? { ...p, test: { ...p.test, fileParallelism: true } } : p)),
      // e2e files start Vitest, servers and browsers of their own. Those that judge no timing
      // (builds, report files, browsers, the terminal, signals) run two at a time; the rest run
      // one at a time after them, like tier2. Two at a time saves ~1 minute of CI on 2 cores.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E_SIDE_BY_SIDE.map((f) => `tests/e2e/${f}.test.ts`),
          ...E2E_TIMEOUTS,
          sequence: { groupOrder: 3 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-timing',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: E2E_SIDE_BY_SIDE.map((f) => `tests/e2e/${f}.test.ts`),
          ...E2E_TIMEOUTS,
          fileParallelism: false,
          sequence: { groupOrder: 4 },
        },
      },
    ],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
})
