import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'
import type { PerfError } from '../../src/core/errors.ts'

const SPIN = new URL('../fixtures/load/spin.ts', import.meta.url)

describe('workers: N', () => {
  it('splits the load over threads and merges their histograms, counts, errors and custom metrics', { timeout: 30_000 }, async () => {
    const result = await runLoad(
      {
        executor: 'shared-iterations',
        vus: 4,
        iterations: 3000,
        workers: 2,
        thresholds: { latency: ['p(95)<1s'], hashes: ['count==60000'], errors: ['rate<0.2'] },
      },
      { module: SPIN, data: { rounds: 20, failEvery: 10 } },
      { attach: false, monitor: false },
    )
    expect(result.shards?.map((s) => s.id)).toEqual(['worker-1', 'worker-2'])
    expect(result.shards?.map((s) => s.iterations)).toEqual([1500, 1500])
    expect(result.iterations).toBe(3000)
    expect(result.latency.count).toBe(3000)
    expect(result.failed).toBe(300)
    expect(result.errors.byKind.RangeError).toEqual({ count: 300, message: 'planned failure' })
    expect(result.metrics.hashes).toMatchObject({ type: 'counter', count: 60_000 })
    expect(result.metrics.digest_byte).toMatchObject({ type: 'trend' })
    expect(result.thresholds.every((t) => t.ok)).toBe(true)
    expect(result.vusAllocated).toBe(4)
    expect(result.timeline.reduce((n, p) => n + p.iterations, 0)).toBe(3000)
    // Same shape as a single-thread run.
    const single = await runLoad(
      { executor: 'shared-iterations', vus: 4, iterations: 300 },
      { module: SPIN, data: { rounds: 20 } },
      { attach: false, monitor: false },
    )
    expect(
      Object.keys(result)
        .filter((k) => k !== 'shards')
        .sort(),
    ).toEqual(Object.keys(single).sort())
  })

  it('an open model keeps its rate: every planned arrival is started or dropped', { timeout: 30_000 }, async () => {
    const result = await runLoad(
      { executor: 'constant-arrival-rate', rate: 400, duration: '2s', maxVUs: 20, workers: 2 },
      { module: SPIN, data: { rounds: 5 } },
      { attach: false, monitor: false },
    )
    expect(result.iterations + result.dropped).toBe(800)
    expect(result.iterations).toBeGreaterThan(700)
  })

  it('abortOnFail sees the merged load', { timeout: 30_000 }, async () => {
    const result = await runLoad(
      {
        executor: 'constant-vus',
        vus: 2,
        duration: '20s',
        workers: 2,
        thresholds: { errors: [{ threshold: 'rate<0.01', abortOnFail: true }] },
      },
      { module: SPIN, data: { rounds: 5, failEvery: 2 } },
      { attach: false, monitor: false },
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('threshold')
    expect(result.durationMs).toBeLessThan(10_000)
  })

  it('refuses a function, a bad module and an export that is not a factory, before any load', async () => {
    const fn = await runLoad({ executor: 'constant-vus', vus: 2, duration: '1s', workers: 2 }, async () => {}).catch((e: PerfError) => e)
    expect(fn).toMatchObject({
      code: 'PERF_CONFIG_INVALID',
      message: expect.stringContaining('workers run in other threads and cannot take a function'),
    })
    const missing = await runLoad(
      { executor: 'constant-vus', vus: 2, duration: '1s', workers: 2 },
      { module: new URL('../fixtures/load/nope.ts', import.meta.url) },
      { attach: false },
    ).catch((e: PerfError) => e)
    expect(missing).toMatchObject({ code: 'PERF_SHARD_LOST', message: expect.stringContaining('Cannot import the load module') })
    const notFactory = await runLoad(
      { executor: 'constant-vus', vus: 1, duration: '1s' },
      { module: SPIN, export: 'notAFactory' },
      { attach: false },
    ).catch((e: PerfError) => e)
    expect(notFactory).toMatchObject({ code: 'PERF_LOAD_MODULE', message: expect.stringContaining('no function export "notAFactory"') })
  })
})
