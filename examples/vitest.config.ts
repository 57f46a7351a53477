import { defineConfig } from 'vitest/config'
import { perf } from '../src/plugin.ts'

// The demo suite: what `npm run demo` runs. A user's project imports from 'vitest-perf/plugin'.
// Soaks are written at their real length; the demo runs them at 1/20 (set the variable to override).
process.env.VITEST_PERF_DURATION_SCALE ??= '0.05'
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  resolve: {
    alias: {
      'vitest-perf/load': new URL('../src/load.ts', import.meta.url).pathname,
      'vitest-perf': new URL('../src/index.ts', import.meta.url).pathname,
    },
  },
  plugins: [perf({ results: 'perf-results' })],
  test: {
    include: ['**/*.perf.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    // Setup hooks preload data and warm services up: fixed work, which a machine shared with busy
    // neighbours can take well past Vitest's default 10 s for.
    hookTimeout: 60_000,
  },
})
