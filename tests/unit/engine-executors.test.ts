import { describe, expect, it } from 'vitest'
import { runLoad as runLoadAttached, type RunOptions } from '../../src/engine/run-load.ts'
import type { LoadConfig } from '../../src/config/schemas.ts'
import type { IterationContext, Workflow } from '../../src/engine/context.ts'

// Engine mechanics, not measurements: keep these runs out of the perf reporter's results.
const runLoad = (config: LoadConfig, workflow: Workflow, options: RunOptions = {}) => runLoadAttached(config, workflow, { attach: false, ...options })

// Short runs on a shared, noisy machine: counts that the executor fixes are exact, counts that
// depend on timers have generous bounds.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

interface Seen {
  vu: number
  iteration: number
  vuIteration: number
  at: number
}

/** A workflow that sleeps `ms` and remembers what ctx said when each iteration started. */
function recording(ms: number) {
  const seen: Seen[] = []
  const t0 = performance.now()
  const workflow = async (ctx: IterationContext) => {
    seen.push({ vu: ctx.vu, iteration: ctx.iteration, vuIteration: ctx.vuIteration, at: performance.now() - t0 })
    if (ms > 0) await sleep(ms)
  }
  return { seen, workflow }
}

function expectUniqueIterations(seen: Seen[]): void {
  const iterations = seen.map((s) => s.iteration).sort((a, b) => a - b)
  expect(iterations).toEqual(Array.from({ length: seen.length }, (_, i) => i))
}

function vuIds(seen: Seen[]): number[] {
  return [...new Set(seen.map((s) => s.vu))].sort((a, b) => a - b)
}

function byVu(seen: Seen[]): Map<number, number[]> {
  const map = new Map<number, number[]>()
  for (const s of seen) map.set(s.vu, [...(map.get(s.vu) ?? []), s.vuIteration])
  return map
}

describe('constant-vus', () => {
  it('with an iterations cap runs exactly that many, shared by the VUs', async () => {
    const { seen, workflow } = recording(5)
    const result = await runLoad({ executor: 'constant-vus', vus: 3, iterations: 20 }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(20)
    expect(seen).toHaveLength(20)
    expect(result.failed).toBe(0)
    expect(result.vusAllocated).toBe(3)
    expect(vuIds(seen)).toEqual([1, 2, 3])
    expectUniqueIterations(seen)
  })

  it('with a duration loops until it ends', async () => {
    const { seen, workflow } = recording(20)
    const result = await runLoad({ executor: 'constant-vus', vus: 2, duration: '500ms' }, workflow)
    expect(result.iterations).toBe(seen.length)
    // ~50 ideally (2 VUs × 500 ms / 20 ms); timers on a busy machine only make it fewer.
    expect(result.iterations).toBeGreaterThan(8)
    expect(result.iterations).toBeLessThanOrEqual(52)
    // No iteration starts after the duration.
    expect(Math.max(...seen.map((s) => s.at))).toBeLessThan(600)
    expect(result.durationMs).toBeGreaterThanOrEqual(490)
    expect(result.durationMs).toBeLessThan(2000)
    expect(vuIds(seen)).toEqual([1, 2])
    expectUniqueIterations(seen)
  })
})

describe('shared-iterations', () => {
  it.each([
    [4, 25],
    [1, 7],
    [10, 3],
  ])('%d VUs share a total of exactly %d iterations', async (vus, iterations) => {
    const { seen, workflow } = recording(2)
    const result = await runLoad({ executor: 'shared-iterations', vus, iterations }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(iterations)
    expect(seen).toHaveLength(iterations)
    // Never more VUs than iterations.
    expect(result.vusAllocated).toBe(Math.min(vus, iterations))
    expect(Math.max(...seen.map((s) => s.vu))).toBeLessThanOrEqual(Math.min(vus, iterations))
    expectUniqueIterations(seen)
  })
})

describe('per-vu-iterations', () => {
  it('runs vus × iterations, each VU counting vuIteration 0..n-1', async () => {
    const { seen, workflow } = recording(3)
    const result = await runLoad({ executor: 'per-vu-iterations', vus: 3, iterations: 4 }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(12)
    expect(result.vusAllocated).toBe(3)
    const perVu = byVu(seen)
    expect([...perVu.keys()].sort()).toEqual([1, 2, 3])
    for (const list of perVu.values()) expect(list).toEqual([0, 1, 2, 3])
    expectUniqueIterations(seen)
  })

  it('a fast VU does not take over the iterations of a slow one', async () => {
    const seen: Seen[] = []
    const result = await runLoad({ executor: 'per-vu-iterations', vus: 2, iterations: 5 }, async (ctx) => {
      seen.push({ vu: ctx.vu, iteration: ctx.iteration, vuIteration: ctx.vuIteration, at: 0 })
      await sleep(ctx.vu === 1 ? 1 : 30)
    })
    expect(result.iterations).toBe(10)
    expect(byVu(seen).get(1)).toHaveLength(5)
    expect(byVu(seen).get(2)).toHaveLength(5)
  })
})

describe('fixed-interval', () => {
  it('with interval 100ms over 1s runs about 10 iterations per VU', async () => {
    const { seen, workflow } = recording(0)
    const result = await runLoad({ executor: 'fixed-interval', vus: 2, interval: '100ms', duration: '1s' }, workflow)
    expect(result.state).toBe('completed')
    const perVu = byVu(seen)
    expect([...perVu.keys()].sort()).toEqual([1, 2])
    for (const list of perVu.values()) {
      // 10 ideally, 11 when the last pause (cut to the end time) wakes a hair early; a timer
      // armed from a stale event-loop clock on a busy machine can shorten a pause further.
      expect(list.length).toBeGreaterThanOrEqual(4)
      expect(list.length).toBeLessThanOrEqual(13)
      expect(list).toEqual(list.map((_, i) => i))
    }
    expect(result.iterations).toBe(seen.length)
    // Iterations of one VU are about one interval apart on average (without the pause: hundreds).
    const vu1 = seen.filter((s) => s.vu === 1).map((s) => s.at)
    expect((vu1.at(-1)! - vu1[0]) / (vu1.length - 1)).toBeGreaterThanOrEqual(75)
  })

  it('stops at its iterations cap', async () => {
    const { seen, workflow } = recording(0)
    const result = await runLoad({ executor: 'fixed-interval', vus: 2, interval: 20, iterations: 6 }, workflow)
    expect(result.iterations).toBe(6)
    expect(seen).toHaveLength(6)
    expectUniqueIterations(seen)
  })
})

describe('ramping-vus', () => {
  it('the number of running VUs rises then falls with the stages', async () => {
    let running = 0
    const peaks = new Map<number, number>()
    const t0 = performance.now()
    const seen: Seen[] = []
    const result = await runLoad(
      {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '600ms', target: 8 },
          { duration: '300ms', target: 8 },
          { duration: '600ms', target: 0 },
        ],
      },
      async (ctx) => {
        const bucket = Math.floor((performance.now() - t0) / 300)
        seen.push({ vu: ctx.vu, iteration: ctx.iteration, vuIteration: ctx.vuIteration, at: 0 })
        running++
        peaks.set(bucket, Math.max(peaks.get(bucket) ?? 0, running))
        await sleep(15)
        running--
      },
    )
    expect(result.state).toBe('completed')
    expect(result.vusAllocated).toBe(8)
    // Buckets of 300 ms: the target is ≤ 3 in the first and the last, 8 in the middle.
    const first = peaks.get(0) ?? 0
    const middle = Math.max(peaks.get(2) ?? 0, peaks.get(3) ?? 0)
    const last = peaks.get(4) ?? 0
    expect(middle).toBeGreaterThanOrEqual(5)
    expect(first).toBeLessThan(middle)
    expect(last).toBeLessThan(middle)
    expect(vuIds(seen).every((id) => id >= 1 && id <= 8)).toBe(true)
    expectUniqueIterations(seen)
    // The timeline sees VUs at the first second and none once the ramp-down is over.
    expect(result.timeline[0].vus).toBeGreaterThan(0)
    expect(result.timeline.at(-1)!.vus).toBeLessThan(result.timeline[0].vus)
  })
})

describe('constant-arrival-rate', () => {
  it('starts rate × duration iterations and drops none with free VUs', async () => {
    const { seen, workflow } = recording(5)
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 30, duration: '1s', preAllocatedVUs: 2, maxVUs: 10 }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(30)
    expect(result.dropped).toBe(0)
    expect(result.vusAllocated).toBeGreaterThanOrEqual(1)
    expect(result.vusAllocated).toBeLessThanOrEqual(10)
    expectUniqueIterations(seen)
    // Spread over the second, not started at once.
    const ats = seen.map((s) => s.at)
    expect(Math.max(...ats) - Math.min(...ats)).toBeGreaterThan(700)
  })

  it('honours timeUnit', async () => {
    const { workflow } = recording(0)
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 3, timeUnit: '100ms', duration: '500ms' }, workflow)
    expect(result.iterations).toBe(15)
    expect(result.dropped).toBe(0)
  })
})

describe('ramping-arrival-rate', () => {
  it('starts about the area under the stages', async () => {
    const { seen, workflow } = recording(2)
    const result = await runLoad(
      {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        stages: [
          { duration: '500ms', target: 40 },
          { duration: '500ms', target: 40 },
          { duration: '400ms', target: 0 },
        ],
        preAllocatedVUs: 2,
        maxVUs: 10,
      },
      workflow,
    )
    // 0.5 s × 40/2 + 0.5 s × 40 + 0.4 s × 40/2 = 10 + 20 + 8 = 38.
    expect(result.state).toBe('completed')
    expect(result.iterations + result.dropped).toBeGreaterThanOrEqual(37)
    expect(result.iterations + result.dropped).toBeLessThanOrEqual(39)
    expect(result.dropped).toBe(0)
    expectUniqueIterations(seen)
    // The ramp-up: fewer starts in the first 250 ms (2.5 expected) than in the flat 500 ms (20).
    const early = seen.filter((s) => s.at < 250).length
    const flat = seen.filter((s) => s.at >= 500 && s.at < 1000).length
    expect(early).toBeLessThan(flat)
  })
})

describe('VU ids and iteration numbers', () => {
  it.each([
    ['constant-vus', { executor: 'constant-vus', vus: 4, iterations: 16 }, 4],
    ['shared-iterations', { executor: 'shared-iterations', vus: 5, iterations: 15 }, 5],
    ['per-vu-iterations', { executor: 'per-vu-iterations', vus: 3, iterations: 3 }, 3],
    ['fixed-interval', { executor: 'fixed-interval', vus: 3, interval: 10, iterations: 9 }, 3],
  ] as const)('%s: VU ids are 1..N, iterations 0..n-1 once each', async (_name, config, vus) => {
    const { seen, workflow } = recording(10)
    const result = await runLoad(config, workflow)
    expect(vuIds(seen)).toEqual(Array.from({ length: vus }, (_, i) => i + 1))
    expect(result.vusAllocated).toBe(vus)
    expectUniqueIterations(seen)
    expect(result.iterations).toBe(seen.length)
  })

  it('open models number their VUs from 1 up to maxVUs', async () => {
    const { seen, workflow } = recording(60)
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 50, duration: '400ms', preAllocatedVUs: 1, maxVUs: 4 }, workflow)
    const ids = vuIds(seen)
    expect(ids[0]).toBe(1)
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1))
    expect(ids.length).toBeLessThanOrEqual(4)
    expect(result.vusAllocated).toBe(ids.length)
    expectUniqueIterations(seen)
    expect(result.iterations + result.dropped).toBe(20)
  })
})
