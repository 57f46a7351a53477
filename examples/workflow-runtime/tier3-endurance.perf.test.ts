import { expect } from 'vitest'
import { durationScale, expectPerformance, perfTest, runLoad } from 'vitest-perf'
import { DEGRADATION, ERROR_RATE, P99, PEAK_MEMORY_MB, peakRssMb } from './kpi.ts'
import { startRuntime } from './runtime.ts'
import { atLeast } from '../shared/real-time.ts'
import { wallClock } from './wall-clock.ts'

// Endurance with leak detection, written at its real length: 5 minutes of the mixed workflows
// at a steady 20 per second, a fraction of what the runtime serves on a shared 2-core machine
// (~100/s, tier2-baseline), so that the soak watches the runtime rather than the machine keeping
// up. VITEST_PERF_DURATION_SCALE stretches or shrinks it without code changes: the demo runs it
// at 0.05 (15 s), 12 gives the scenario's 1-hour test, 288 its 24 hours; no scale runs it under
// 15 s of real time (shorter, its halves are a few seconds of p95s). The test timeout follows.

const WRITTEN_MS = 5 * 60_000
const SOAK_MS = atLeast(WRITTEN_MS, 15_000)
const RATE = 20

perfTest(
  'endurance: mixed workflows for 5 minutes, no leak, no degradation',
  { timeout: SOAK_MS * durationScale() + 60_000 },
  async ({ postgres, run }) => {
    await using runtime = await startRuntime(postgres)
    // Warm up first (pool filled, statements prepared, caches seeded): growth during a cold start
    // is not a leak, and a cold first window would flatter the degradation check.
    await runLoad({ executor: 'constant-arrival-rate', rate: RATE, duration: wallClock(3), maxVUs: 200 }, runtime.run, {
      attach: false,
      monitor: false,
    })

    const result = await run(
      {
        executor: 'constant-arrival-rate',
        rate: RATE,
        duration: SOAK_MS,
        maxVUs: 200,
        thresholds: { errors: [`rate<${ERROR_RATE.normal}`], latency: [`p(99)<${P99}`], dropped: ['count==0'] },
      },
      runtime.run,
    )
    // The soak ran its (scaled) length in full.
    expect(result.iterations).toBeGreaterThanOrEqual(Math.round((RATE * SOAK_MS * durationScale()) / 1000))
    const peak = peakRssMb(result)
    expect(peak).toBeLessThan(PEAK_MEMORY_MB)

    // Leaks. The limit comes from the memory budget: growing this fast for the whole soak (as
    // written, or as run when scaled up) would take the process past the scenario's 1 GB. At the
    // demo's 15 s that is ~150 MB/min; at 1 hour ~13 MB/min, at 24 hours ~0.5 MB/min. The heap is
    // the live heap (after major GCs and a full GC at the end). RSS is checked from an hour on:
    // in the first minutes the allocator and V8's spaces grow to their working size, a rise that
    // reads as 100–300 MB/min over 15 s and stops (the peak check above covers the budget).
    // Handles must not grow at all: a session or timer leaked per workflow shows within seconds.
    const minutes = Math.max(WRITTEN_MS, SOAK_MS * durationScale()) / 60_000
    const perMinute = Math.floor((PEAK_MEMORY_MB - peak) / minutes)
    const rss = minutes >= 60 ? { rss: `< ${perMinute}MB/min` } : {}
    expectPerformance(result).toHaveNoLeak({ heap: `< ${perMinute}MB/min`, ...rss, handles: '< 1/min' })

    // The scenario's 24-hour stability: under 10 % degradation of throughput and p95, second half
    // against first half (halves: each window's p95 is the median of its per-second p95s). Like
    // RSS, from an hour on: between the halves of a shorter run, what the machine's neighbours
    // start and stop moves the p95 more than a runtime degrades (2.4× between the halves of the
    // demo's 15 s on our shared 2-core machine), so there it is asked only not to collapse.
    const degradation = minutes >= 60 ? DEGRADATION : '< 300%'
    expectPerformance(result).toStayStable({ degradation, window: 0.5 })
  },
)
