import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { ERROR_RATE, LEVELS, STRESS } from './kpi.ts'
import { startRuntime } from './runtime.ts'
import { wallClock } from './wall-clock.ts'

// Stress: the scenario's stress levels, 500 → 1000 → 1500 → 2000 workflows in flight, as one
// closed-model ramp (2 s per level, then 8 s at 2000: starting a workflow is CPU work, and a
// machine with busy neighbours can take the ramp's whole time to start 2000). Past ~100 workflows
// in flight the runtime's 20-connection pool is the bottleneck, so more concurrency must show up
// as longer latency (about VUs / throughput, Little's law), not as errors, stuck workflows or a
// collapse of throughput. The run stops at once if any 2-second window goes over the scenario's
// stress error rate (15 %).
//
// No latency bound: every workflow queues for the pool once per query, so the 2000 in flight
// advance together and finish together, after about 2000 / throughput seconds (10 s alone on
// our 2-core machine, 20–40 s with busy neighbours). How long that is says how fast the machine
// is; a stuck workflow is one that never finishes, which `interrupted` counts.

perfTest('stress: ramping up to 2000 concurrent workflows', { timeout: 240_000 }, async ({ postgres, run }) => {
  await using runtime = await startRuntime(postgres)
  const result = await run(
    {
      executor: 'ramping-vus',
      stages: [
        { duration: wallClock(2), target: 500 },
        { duration: wallClock(2), target: 1000 },
        { duration: wallClock(2), target: 1500 },
        { duration: wallClock(2), target: STRESS.concurrent },
        { duration: wallClock(8), target: STRESS.concurrent },
      ],
      // The workflows still in flight when the stages end finish during gracefulStop: generous, so
      // that only a stuck one, not a slow machine, is cut off.
      gracefulStop: '2m',
      thresholds: {
        errors: [`rate<${ERROR_RATE.stress}`, { threshold: `rate<${ERROR_RATE.stress} over 2s`, abortOnFail: true }],
        // No collapse: at up to twice the largest baseline level, the runtime still delivers that
        // level's minimum (25 workflows/s). The scenario's goal for 2000, 80/s, is a goal, not a
        // bar: on our 2-core machine this run made 200–230/s alone and 45–100/s with other jobs on
        // both cores.
        throughput: [`value>${LEVELS[2].throughput}`],
      },
    },
    runtime.run,
  )
  expect(result.state).toBe('completed')
  expect(Math.max(...result.timeline.map((p) => p.vus))).toBe(STRESS.concurrent)
  // Every workflow started also finished: none was still running when gracefulStop ran out, so
  // each of the 2000 VUs completed at least one.
  expect(result.interrupted).toBe(0)
  expect(result.iterations).toBeGreaterThanOrEqual(STRESS.concurrent)
})
