import { defineConfig } from 'vitest/config'
import { perf } from '../../src/plugin.ts'

// The file-storage profiles with vitest-perf's live Prometheus exporter on:
//   npx vitest run --config examples/file-storage/vitest.prometheus.config.ts
// Point Prometheus (or docker/monitoring/'s Prometheus and Grafana) at
// http://127.0.0.1:9464/metrics; FILE_STORAGE_EXPORTER_PORT picks another port. The tests then
// also check that the exporter served each run's iteration count. A user's project writes
// perf({ prometheus: { port: 9464 } }) from 'vitest-perf/plugin'.
process.env.VITEST_PERF_DURATION_SCALE ??= '0.05'
process.env.FILE_STORAGE_EXPORTER_PORT ??= '9464'
const examples = new URL('..', import.meta.url).pathname

export default defineConfig({
  root: examples,
  resolve: { alias: { 'vitest-perf': new URL('../../src/index.ts', import.meta.url).pathname } },
  plugins: [perf({ results: 'perf-results', prometheus: { port: Number(process.env.FILE_STORAGE_EXPORTER_PORT) } })],
  test: {
    include: ['file-storage/**/*.perf.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
  },
})
