import { expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { ERROR_RATE, LEVELS, P99, PEAK_MEMORY_MB, peakRssMb } from './kpi.ts'
import { startRuntime } from './runtime.ts'

// Baseline: 100, 500 and 1000 workflows in flight (a closed model: each VU starts its next
// workflow when the last one ends), twice as many workflows in total as in flight, as the
// scenario's LoadConfig has it (concurrent_workflows=1000, total_workflows=2000). The thresholds
// are the scenario's minimum acceptable performance for each level. With N workflows always in
// flight the mean latency is about N / throughput (Little's law), so each level tests both.

for (const level of LEVELS) {
  perfTest(`baseline: ${level.concurrent} concurrent workflows`, async ({ postgres, run }) => {
    await using runtime = await startRuntime(postgres)
    const result = await run(
      {
        executor: 'shared-iterations',
        vus: level.concurrent,
        iterations: level.concurrent * 2,
        maxDuration: '10m',
        thresholds: {
          throughput: [`value>${level.throughput}`],
          latency: [`avg<${level.avgLatency}`, `p(99)<${P99}`],
          errors: [`rate<${ERROR_RATE.normal}`],
        },
      },
      runtime.run,
    )
    // Every planned workflow ran (none cut off by maxDuration) and all three kinds took part.
    expect(result.iterations).toBe(level.concurrent * 2)
    expectPerformance(result).toMeet({
      'latency{step:ingest}': ['count>0'],
      'latency{step:record}': ['count>0'],
      'latency{step:write-rollup}': ['count>0'],
    })
    expect(peakRssMb(result)).toBeLessThan(PEAK_MEMORY_MB)
  })
}
