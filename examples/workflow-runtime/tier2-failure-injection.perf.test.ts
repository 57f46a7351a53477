import { expect } from 'vitest'
import { expectPerformance, perfTest, type IterationContext } from 'vitest-perf'
import { ERROR_RATE, P99, PEAK_MEMORY_MB, peakRssMb } from './kpi.ts'
import { startRuntime } from './runtime.ts'
import { wallClock } from './wall-clock.ts'

// Failure injection, as the scenario's FailureInjector does it: 10 workflows always in flight
// (a closed model, as its concurrent_workflows), the 22 s run cut into 1 s slots, and each
// failure type striking a slot with probability 0.1, drawn from a seed so every run injects the
// same ones (these seeds: slow queries in second 4, dropped connections in second 9, memory
// pressure in second 14, so each fault's recovery is seen before the next one):
//   - slow queries: 100 ms more per round trip, through the TCP fault proxy between the runtime
//     and PostgreSQL;
//   - dropped connections: the server terminates every session of the runtime's database;
//   - memory pressure: 128 MB held in the runtime's process.
// The runtime retries a workflow once when its connection was dropped. The test asks for the
// scenario's normal-load error rate (< 5 %) over the run, its stress bound (< 15 %) in every
// 2 s window, the P99 goal (< 15 s), peak memory under 1 GB, and recovery of each failure:
// error rate back within 1 point and p95 within 3× of the seconds before it, within 6 s.
//
// Recovery is judged against the run's own seconds before each fault, so a slower machine moves
// both sides, and its time limit is generous: filling 128 MB stalls the process for a second or
// two on a busy machine (256 MB took 4 s), past the fault's own second. A closed model, because
// an arrival rate would also judge the machine: the workflows that arrive during a stall are
// worked off only as fast as the runtime's capacity exceeds the rate, and on a shared 2-core
// machine that capacity can fall to the rate itself.

const DROPPED = new Set(['57P01', 'ECONNRESET', 'EPIPE'])
const dropped = (e: unknown) =>
  DROPPED.has((e as { code?: string }).code ?? '') || /Connection terminated/.test(String((e as Error).message))

perfTest('failure injection: slow queries, dropped connections, memory pressure', async ({ postgres, faults, run }) => {
  await using proxy = await faults.startProxy({ upstream: postgres })
  await using runtime = await startRuntime(postgres.through(proxy))
  const workflow = async (ctx: IterationContext) => {
    try {
      await runtime.run(ctx)
    } catch (e) {
      if (!dropped(e)) throw e
      ctx.counter('runtime_retries')
      await runtime.run(ctx)
    }
  }
  const result = await run(
    {
      executor: 'constant-vus',
      vus: 10,
      duration: wallClock(22),
      thresholds: {
        errors: [`rate<${ERROR_RATE.normal}`, `rate<${ERROR_RATE.stress} over 2s`],
        latency: [`p(99)<${P99}`],
      },
    },
    workflow,
    {
      faults: [
        {
          failureRate: 0.1,
          seed: 17,
          slot: wallClock(1),
          fault: faults.toxic(proxy, { type: 'latency', attributes: { latency: 100, jitter: 20 } }),
        },
        { failureRate: 0.1, seed: 22, slot: wallClock(1), fault: faults.killConnections(postgres) },
        { failureRate: 0.1, seed: 64, slot: wallClock(1), fault: faults.memoryPressure({ mb: 128 }) },
      ],
      recovery: { errorRate: 0.01, p95Factor: 3 },
    },
  )
  // Every injection happened, as planned.
  expect(result.faults!.map((f) => `${f.name}@${Math.round(f.start)}s`).sort()).toEqual([
    'kill connections (postgres)@9s',
    'latency (downstream)@4s',
    'memory pressure 128MB@14s',
  ])
  for (const f of result.faults!) expect(f.error, f.name).toBeUndefined()
  // Dropped connections really hit running workflows, and the retries absorbed most of them.
  expectPerformance(result).toMeet({ runtime_retries: ['count>0'] })
  expect(peakRssMb(result)).toBeLessThan(PEAK_MEMORY_MB)
  expectPerformance(result).toRecoverWithin('6s')
})
