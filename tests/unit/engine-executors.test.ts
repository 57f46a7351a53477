import { describe, expect, it } from 'vitest'
import { runLoad as runLoadAttached } from '../../src/run/run-load.ts'
import { type RunOptions } from '../../src/run/options.ts'
import type { LoadConfig } from '../../src/core/load-config.ts'
import { sleep } from '../../src/core/clock.ts'
import { ArrivalSchedule } from '../../src/engine/arrival-schedule.ts'
import type { IterationContext, Workflow } from '../../src/engine/context.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runOnFakeClock } from '../helpers/fake-run.ts'

// Engine mechanics, not measurements: keep these runs out of the perf reporter's results.
const runLoad = (config: LoadConfig, workflow: Workflow, options: RunOptions = {}) =>
  runLoadAttached(config, workflow, { attach: false, ...options })

// Runs on a fake clock: every workflow waits on it, so counts and times are exact. The last
// describe runs on the real clock, so the path with real timers stays covered.

interface Seen {
  vu: number
  iteration: number
  vuIteration: number
  at: number
}

/** A workflow that waits `ms` on `clock` and remembers what ctx said when each iteration started. */
function recording(clock: FakeClock, ms: number) {
  const seen: Seen[] = []
  const workflow = async (ctx: IterationContext) => {
    seen.push({ vu: ctx.vu, iteration: ctx.iteration, vuIteration: ctx.vuIteration, at: clock.now() })
    if (ms > 0) await sleep(ms, ctx.signal, clock)
  }
  return { seen, workflow }
}

/** Start times of one VU. */
function startsOf(seen: Seen[], vu: number): number[] {
  return seen.filter((s) => s.vu === vu).map((s) => s.at)
}

/** 0, step, 2·step, … below `end`. */
function every(step: number, end: number, from = 0): number[] {
  const out: number[] = []
  for (let t = from; t < end; t += step) out.push(t)
  return out
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
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 5)
    const result = await runOnFakeClock(clock, { executor: 'constant-vus', vus: 3, iterations: 20 }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(20)
    expect(seen).toHaveLength(20)
    expect(result.failed).toBe(0)
    expect(result.vusAllocated).toBe(3)
    expect(vuIds(seen)).toEqual([1, 2, 3])
    expectUniqueIterations(seen)
    // Three at a time, 5 ms apart; the last two at 30 ms. The run ends when they do.
    expect(seen.map((s) => s.at)).toEqual([...every(5, 30).flatMap((t) => [t, t, t]), 30, 30])
    expect(result.durationMs).toBe(35)
  })

  it('with a duration loops until it ends: 2 VUs × 10 ms iterations for 1 s run exactly 200', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 10)
    const result = await runOnFakeClock(clock, { executor: 'constant-vus', vus: 2, duration: '1s' }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(200)
    expect(seen).toHaveLength(200)
    // Back to back from 0; no iteration starts at or after the duration.
    expect(startsOf(seen, 1)).toEqual(every(10, 1000))
    expect(startsOf(seen, 2)).toEqual(every(10, 1000))
    expect(result.durationMs).toBe(1000)
    expect(result.latency).toMatchObject({ count: 200, min: 10, max: 10 })
    expect(result.serviceTime).toMatchObject({ count: 200, min: 10, max: 10 })
    expect(result.timeline.reduce((n, p) => n + p.iterations, 0)).toBe(200)
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
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 2)
    const result = await runOnFakeClock(clock, { executor: 'shared-iterations', vus, iterations }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(iterations)
    expect(seen).toHaveLength(iterations)
    // Never more VUs than iterations.
    const used = Math.min(vus, iterations)
    expect(result.vusAllocated).toBe(used)
    expect(Math.max(...seen.map((s) => s.vu))).toBe(used)
    expectUniqueIterations(seen)
    // Rounds of `used` iterations, 2 ms each.
    expect(result.durationMs).toBe(Math.ceil(iterations / used) * 2)
  })
})

describe('per-vu-iterations', () => {
  it('runs vus × iterations, each VU counting vuIteration 0..n-1', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 3)
    const result = await runOnFakeClock(clock, { executor: 'per-vu-iterations', vus: 3, iterations: 4 }, workflow)
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(12)
    expect(result.vusAllocated).toBe(3)
    const perVu = byVu(seen)
    expect([...perVu.keys()].sort()).toEqual([1, 2, 3])
    for (const list of perVu.values()) expect(list).toEqual([0, 1, 2, 3])
    for (const vu of [1, 2, 3]) expect(startsOf(seen, vu)).toEqual([0, 3, 6, 9])
    expectUniqueIterations(seen)
    expect(result.durationMs).toBe(12)
  })

  it('a fast VU does not take over the iterations of a slow one', async () => {
    const clock = new FakeClock()
    const seen: Seen[] = []
    const result = await runOnFakeClock(clock, { executor: 'per-vu-iterations', vus: 2, iterations: 5 }, async (ctx) => {
      seen.push({ vu: ctx.vu, iteration: ctx.iteration, vuIteration: ctx.vuIteration, at: clock.now() })
      await sleep(ctx.vu === 1 ? 1 : 30, ctx.signal, clock)
    })
    expect(result.iterations).toBe(10)
    expect(startsOf(seen, 1)).toEqual([0, 1, 2, 3, 4])
    expect(startsOf(seen, 2)).toEqual([0, 30, 60, 90, 120])
    expect(result.durationMs).toBe(150)
  })
})

describe('fixed-interval', () => {
  it('with interval 100ms over 1s runs exactly 10 iterations per VU, 100 ms apart', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 0)
    const result = await runOnFakeClock(clock, { executor: 'fixed-interval', vus: 2, interval: '100ms', duration: '1s' }, workflow)
    expect(result.state).toBe('completed')
    const perVu = byVu(seen)
    expect([...perVu.keys()].sort()).toEqual([1, 2])
    for (const list of perVu.values()) expect(list).toEqual(every(1, 10))
    expect(startsOf(seen, 1)).toEqual(every(100, 1000))
    expect(startsOf(seen, 2)).toEqual(every(100, 1000))
    expect(result.iterations).toBe(20)
    // After the iteration at 900 ms no pause can end before the duration: the run ends there.
    expect(result.durationMs).toBe(900)
  })

  it('pauses after each iteration, so the period is iteration + interval', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 20)
    const result = await runOnFakeClock(clock, { executor: 'fixed-interval', vus: 1, interval: '100ms', duration: '1s' }, workflow)
    expect(startsOf(seen, 1)).toEqual(every(120, 1000))
    expect(result.iterations).toBe(9)
    expect(result.durationMs).toBe(980)
  })

  it('stops at its iterations cap', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 0)
    const result = await runOnFakeClock(clock, { executor: 'fixed-interval', vus: 2, interval: 20, iterations: 6 }, workflow)
    expect(result.iterations).toBe(6)
    expect(seen.map((s) => s.at)).toEqual([0, 0, 20, 20, 40, 40])
    expectUniqueIterations(seen)
    // The VUs find the cap reached after their next pause.
    expect(result.durationMs).toBe(60)
  })
})

describe('ramping-vus', () => {
  // 0 → 8 VUs over 600 ms, 8 for 300 ms, 8 → 0 over 600 ms; iterations of 15 ms.
  const stages = [
    { duration: 600, target: 8 },
    { duration: 300, target: 8 },
    { duration: 600, target: 0 },
  ]
  const target = (t: number) => (t < 600 ? Math.round((8 * t) / 600) : t < 900 ? 8 : Math.round(8 - (8 * (t - 900)) / 600))

  it('each VU starts at the first 20 ms poll its stage includes it and stops at the first iteration end it does not', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 15)
    const result = await runOnFakeClock(clock, { executor: 'ramping-vus', startVUs: 0, stages }, workflow)
    expect(result.state).toBe('completed')
    expect(result.vusAllocated).toBe(8)
    let total = 0
    for (let vu = 1; vu <= 8; vu++) {
      // Parked VUs look every 20 ms; a running one decides after each iteration.
      let t = 0
      while (target(t) < vu) t += 20
      const expected: number[] = []
      for (; target(t) >= vu; t += 15) expected.push(t)
      expect(startsOf(seen, vu), `VU ${vu}`).toEqual(expected)
      total += expected.length
    }
    expect(result.iterations).toBe(total)
    expectUniqueIterations(seen)
    // First starts, by hand: VU n needs round(8t/600) ≥ n, i.e. t ≥ 75n − 37.5, on the 20 ms polls.
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((vu) => startsOf(seen, vu)[0])).toEqual([40, 120, 200, 280, 340, 420, 500, 580])
    // Parked VUs wake at the end of the last stage.
    expect(result.durationMs).toBe(1500)
    expect(result.timeline.at(-1)!.vus).toBe(0)
  })

  it('no VU starts above the target, and the VUs in flight peak with the stages', async () => {
    const clock = new FakeClock()
    let running = 0
    const peaks = new Map<number, number>()
    const above: string[] = []
    const result = await runOnFakeClock(clock, { executor: 'ramping-vus', startVUs: 0, stages }, async (ctx) => {
      const t = clock.now()
      if (ctx.vu > target(t)) above.push(`VU ${ctx.vu} at ${t} ms`)
      running++
      peaks.set(Math.floor(t / 300), Math.max(peaks.get(Math.floor(t / 300)) ?? 0, running))
      await sleep(15, ctx.signal, clock)
      running--
    })
    expect(above).toEqual([])
    expect(result.failed).toBe(0)
    // Per 300 ms: the target is at most 4 in the first and the last, 8 from 562.5 ms to 937.5 ms.
    expect([...peaks.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 4],
      [1, 8],
      [2, 8],
      [3, 8],
      [4, 4],
    ])
  })
})

describe('constant-arrival-rate', () => {
  it('100/s for 2 s starts exactly 200 iterations at 0, 10, 20 … ms; latency of a 10 ms workflow is 10 ms', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 10)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 2, maxVUs: 10 },
      workflow,
    )
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(200)
    expect(result.dropped).toBe(0)
    expect(seen.map((s) => s.at)).toEqual(every(10, 2000))
    expect(result.latency).toMatchObject({ count: 200, min: 10, max: 10 })
    expect(result.serviceTime).toMatchObject({ count: 200, min: 10, max: 10 })
    // Each iteration ends as the next one is due: the two preallocated VUs are enough.
    expect(result.vusAllocated).toBe(2)
    expectUniqueIterations(seen)
    expect(result.durationMs).toBe(2000)
    // Counted in the second they end in: the one ending at 2000 ms is in a point of its own.
    expect(result.timeline.map((p) => p.iterations)).toEqual([99, 100, 1])
  })

  it('honours timeUnit', async () => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 0)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 4, timeUnit: '100ms', duration: '500ms' },
      workflow,
    )
    expect(result.iterations).toBe(20)
    expect(result.dropped).toBe(0)
    expect(seen.map((s) => s.at)).toEqual(every(25, 500))
  })

  it('starts that fall between milliseconds are each started at their planned time', async () => {
    // 3 per 100 ms: 33.33 ms apart. The scheduler spins on immediates for the last fraction of a
    // millisecond; each costs 1 µs of virtual time here.
    const clock = new FakeClock({ immediateDelayMs: 0.001 })
    const { seen, workflow } = recording(clock, 0)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 3, timeUnit: '100ms', duration: '500ms' },
      workflow,
    )
    expect(result.iterations).toBe(15)
    seen.forEach((s, k) => {
      expect(s.at).toBeGreaterThanOrEqual((k * 100) / 3 - 1e-9)
      expect(s.at).toBeLessThan((k * 100) / 3 + 0.001 + 1e-9)
    })
  })
})

describe('ramping-arrival-rate', () => {
  it('starts exactly the area under the stages, each at its planned time', async () => {
    const stages = [
      { duration: 500, target: 40 },
      { duration: 500, target: 40 },
      { duration: 400, target: 0 },
    ]
    const clock = new FakeClock({ immediateDelayMs: 0.001 })
    const { seen, workflow } = recording(clock, 2)
    const result = await runOnFakeClock(
      clock,
      { executor: 'ramping-arrival-rate', startRate: 0, stages, preAllocatedVUs: 2, maxVUs: 10 },
      workflow,
    )
    // 0.5 s × 40/2 + 0.5 s × 40 + 0.4 s × 40/2 = 10 + 20 + 8 = 38.
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(38)
    expect(result.dropped).toBe(0)
    expectUniqueIterations(seen)
    const planned: number[] = []
    const schedule = new ArrivalSchedule(0, stages, 1000)
    for (let t = schedule.next(); t !== undefined; t = schedule.next()) planned.push(t)
    expect(planned).toHaveLength(38)
    seen.forEach((s, k) => expect(s.at - planned[k], `start ${k}`).toBeGreaterThanOrEqual(-1e-9))
    seen.forEach((s, k) => expect(s.at - planned[k], `start ${k}`).toBeLessThan(0.001 + 1e-9))
    // The ramp-up: N(t) = 40/s · t² / (2 · 500 ms) gives 3 starts before 250 ms; the flat 500 ms has 20.
    expect(seen.filter((s) => s.at < 250)).toHaveLength(3)
    expect(seen.filter((s) => s.at >= 500 && s.at < 1000)).toHaveLength(20)
  })
})

describe('VU ids and iteration numbers', () => {
  it.each([
    ['constant-vus', { executor: 'constant-vus', vus: 4, iterations: 16 }, 4],
    ['shared-iterations', { executor: 'shared-iterations', vus: 5, iterations: 15 }, 5],
    ['per-vu-iterations', { executor: 'per-vu-iterations', vus: 3, iterations: 3 }, 3],
    ['fixed-interval', { executor: 'fixed-interval', vus: 3, interval: 10, iterations: 9 }, 3],
  ] as const)('%s: VU ids are 1..N, iterations 0..n-1 once each', async (_name, config, vus) => {
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 10)
    const result = await runOnFakeClock(clock, config, workflow)
    expect(vuIds(seen)).toEqual(Array.from({ length: vus }, (_, i) => i + 1))
    expect(result.vusAllocated).toBe(vus)
    expectUniqueIterations(seen)
    expect(result.iterations).toBe(seen.length)
  })

  it('open models number their VUs from 1 up to maxVUs', async () => {
    // 20 ms apart, 70 ms each: 4 VUs in flight at once, each free again before its next turn.
    const clock = new FakeClock()
    const { seen, workflow } = recording(clock, 70)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 50, duration: '400ms', preAllocatedVUs: 1, maxVUs: 4 },
      workflow,
    )
    expect(vuIds(seen)).toEqual([1, 2, 3, 4])
    expect(result.vusAllocated).toBe(4)
    expectUniqueIterations(seen)
    expect(result.iterations).toBe(20)
    expect(result.dropped).toBe(0)
    expect(seen.slice(0, 6).map((s) => s.vu)).toEqual([1, 2, 3, 4, 1, 2])
  })
})

// The same executors on performance.now() and Node's timers: only what the timers cannot change.
describe('on the real clock', () => {
  const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

  it('constant-vus with an iterations cap runs exactly that many', async () => {
    const result = await runLoad({ executor: 'constant-vus', vus: 3, iterations: 20 }, () => realSleep(2))
    expect(result.state).toBe('completed')
    expect(result.iterations).toBe(20)
    expect(result.vusAllocated).toBe(3)
    expect(result.latency.min).toBeGreaterThan(0)
  })

  it('constant-arrival-rate starts rate × duration iterations', async () => {
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 30, duration: '300ms', preAllocatedVUs: 2, maxVUs: 30 }, () =>
      realSleep(5),
    )
    expect(result.state).toBe('completed')
    expect(result.iterations + result.dropped).toBe(9)
    expect(result.durationMs).toBeGreaterThanOrEqual(266)
  })
})
