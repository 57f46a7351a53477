import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'

const SPIN = new URL('../fixtures/load/spin.ts', import.meta.url)

describe('scenarios over workers', () => {
  it('splits every scenario over the threads and merges each one apart from the others', { timeout: 60_000 }, async () => {
    const result = await runLoad(
      {
        workers: 2,
        scenarios: {
          bulk: { executor: 'shared-iterations', vus: 4, iterations: 600 },
          each: { executor: 'per-vu-iterations', vus: 2, iterations: 50 },
          late: { executor: 'constant-arrival-rate', rate: 100, duration: '1s', maxVUs: 10, startTime: '1s' },
        },
        thresholds: {
          'iterations{scenario:bulk}': ['count==600'],
          'hashes{scenario:each}': ['count==1000'],
          'errors{scenario:late}': ['rate==0'],
        },
      },
      {
        bulk: { module: SPIN, data: { rounds: 5, failEvery: 100 } },
        each: { module: SPIN, data: { rounds: 10 } },
        late: { module: SPIN, data: { rounds: 5 } },
      },
      { attach: false, monitor: false },
    )
    const { bulk, each, late } = result.scenarios!
    expect(result.shards?.map((s) => s.kind)).toEqual(['worker', 'worker'])
    expect([bulk.iterations, each.iterations]).toEqual([600, 100])
    expect(late.iterations + late.dropped).toBe(100)
    expect(result.iterations).toBe(bulk.iterations + each.iterations + late.iterations)
    // Errors and custom metrics stay with their scenario: bulk fails every 100th of each shard's iterations.
    expect(bulk.failed).toBe(result.failed)
    expect(bulk.errors.byKind.RangeError?.count).toBe(bulk.failed)
    expect(each.failed + late.failed).toBe(0)
    expect(each.metrics.hashes).toMatchObject({ type: 'counter', count: 1000 })
    expect(result.metrics.hashes).toMatchObject({ count: 600 * 5 + 1000 + late.iterations * 5 })
    expect([bulk.vusAllocated, each.vusAllocated]).toEqual([4, 2])
    // late starts at 1 s on every thread: its first second is second 1 of the run.
    expect(late.startTime).toBe(1000)
    expect(late.timeline[0].t).toBe(1)
    expect(late.timeline.reduce((n, p) => n + p.iterations, 0)).toBe(late.iterations)
    expect(result.thresholds.map((t) => t.ok)).toEqual([true, true, true])
  })
})
