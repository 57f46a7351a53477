import { defineConfig } from 'vitest/config'
import { perf } from '../../src/plugin.ts'

// Runs one case of the leak corpus (bench/leaks.ts starts one Vitest per case, so every run is the
// first in a fresh worker, as in a user's test file).
const out = process.env.VITEST_PERF_LEAK_DIR ?? '.tmp/leaks'

export default defineConfig({
  resolve: {
    alias: {
      'vitest-perf/load': new URL('../../src/load.ts', import.meta.url).pathname,
      'vitest-perf': new URL('../../src/index.ts', import.meta.url).pathname,
    },
  },
  plugins: [perf({ baselines: `${out}/baselines`, results: `${out}/perf-results` })],
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['bench/leaks/case.test.ts'],
    testTimeout: 600_000,
    reporters: ['default'],
  },
})
