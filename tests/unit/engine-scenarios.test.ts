import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/core/clock.ts'
import type { ScenariosInput } from '../../src/core/load-config.ts'
import type { IterationContext } from '../../src/engine/context.ts'
import { mergeRepetitions } from '../../src/run/repetitions.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { expectPerformance } from '../../src/runtime/expect-performance.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runScenariosOnFakeClock } from '../helpers/fake-run.ts'

// Scenarios on the fake clock: every workflow waits on it, so counts and start times are exact.

/** A workflow that waits `ms` on `clock` and counts a custom metric tagged like ctx.time does. */
const waiting = (clock: FakeClock, ms: number) => async (ctx: IterationContext) => {
  ctx.counter('calls', 1, { kind: 'api' })
  await sleep(ms, ctx.signal, clock)
}

const shop: ScenariosInput<'browse' | 'checkout' | 'admin'> = {
  scenarios: {
    browse: { executor: 'constant-arrival-rate', rate: 200, duration: '3s', maxVUs: 10 },
    checkout: { executor: 'constant-arrival-rate', rate: 20, duration: '3s', maxVUs: 5 },
    admin: {
      executor: 'ramping-vus',
      startTime: '1s',
      stages: [
        { duration: '1s', target: 2 },
        { duration: '1s', target: 2 },
      ],
    },
  },
  thresholds: {
    'latency{scenario:browse}': ['p(95)<30ms'],
    'latency{scenario:checkout}': ['p(95)<30ms'],
    'latency{scenario:admin}': ['p(95)<150ms'],
    'iterations{scenario:checkout}': ['count==60'],
    'calls{scenario:admin}': ['count>0'],
  },
}

describe('three scenarios at once', () => {
  it('counts each arrival-rate scenario exactly, starts the ramp at its startTime and fails only the threshold of its scenario', async () => {
    const clock = new FakeClock()
    const result = await runScenariosOnFakeClock(clock, shop, {
      browse: waiting(clock, 5),
      checkout: waiting(clock, 40),
      admin: waiting(clock, 100),
    })
    const { browse, checkout, admin } = result.scenarios!
    expect(result.config.executor).toBe('scenarios')
    expect(result.state).toBe('completed')

    // 200/s and 20/s for 3 s: exactly 600 and 60, none dropped; the totals hold every scenario.
    expect([browse.iterations, browse.dropped, checkout.iterations, checkout.dropped]).toEqual([600, 0, 60, 0])
    expect(result.iterations).toBe(600 + 60 + admin.iterations)
    expect(result.latency.count).toBe(result.iterations)
    expect(result.vusAllocated).toBe(browse.vusAllocated + checkout.vusAllocated + admin.vusAllocated)
    expect(admin.vusAllocated).toBe(2)

    // Each scenario keeps its own latency: 5, 40 and 100 ms iterations.
    expect(browse.latency.max).toBeCloseTo(5, 1)
    expect(checkout.latency.min).toBeCloseTo(40, 1)
    expect(admin.latency.min).toBeCloseTo(100, 0)

    // admin starts at 1 s: its timeline begins at second 1, and second 0 of the run is the others' only.
    expect([browse.startTime, checkout.startTime, admin.startTime]).toEqual([0, 0, 1000])
    expect(browse.timeline[0].t).toBe(0)
    expect(admin.timeline[0].t).toBe(1)
    expect(admin.timeline[0].iterations).toBeGreaterThan(0)
    expect(result.timeline[0].iterations).toBe(browse.timeline[0].iterations + checkout.timeline[0].iterations)
    expect(result.timeline[1].iterations).toBe(
      browse.timeline[1].iterations + checkout.timeline[1].iterations + admin.timeline[0].iterations,
    )
    // From its own start: the second VU joins at 0.76 s (parked VUs look every 20 ms), so its last
    // iteration starts at 1.96 s, before the 2 s of stages end, and ends 100 ms later.
    expect(admin.durationMs).toBe(2060)
    expect(checkout.durationMs).toBe(2950 + 40)

    // Every metric is kept per scenario too: custom ones under the scenario, without its tag.
    expect(result.metrics.calls).toMatchObject({ type: 'counter', count: result.iterations })
    expect(checkout.metrics['calls{kind:api}']).toMatchObject({ type: 'counter', count: 60 })
    expect(admin.metrics.calls).toMatchObject({ type: 'counter', count: admin.iterations })

    const outcome = Object.fromEntries(result.thresholds.map((t) => [t.metric, t.ok]))
    expect(outcome).toEqual({
      'latency{scenario:browse}': true,
      'latency{scenario:checkout}': false,
      'latency{scenario:admin}': true,
      'iterations{scenario:checkout}': true,
      'calls{scenario:admin}': true,
    })
    expect(result.thresholds.find((t) => t.metric === 'latency{scenario:checkout}')?.actual).toBeCloseTo(40, 0)
  })

  it('evaluates scenario selectors on the finished result in toMeet()', async () => {
    const clock = new FakeClock()
    const result = await runScenariosOnFakeClock(clock, shop, {
      browse: waiting(clock, 5),
      checkout: waiting(clock, 40),
      admin: waiting(clock, 100),
    })
    expectPerformance(result).toMeet({
      'iterations{scenario:browse}': ['count==600'],
      'latency{scenario:browse}': ['max<6ms'],
      'errors{scenario:checkout}': ['rate==0'],
      'calls{kind:api,scenario:checkout}': ['count==60'],
    })
    expect(() => expectPerformance(result).toMeet({ 'latency{scenario:checkout}': ['p(95)<30ms'] })).toThrow(/latency\{scenario:checkout\}/)
  })

  it('gives every VU a unique id and tells the workflow its scenario', async () => {
    const clock = new FakeClock()
    const seen: { scenario: string | undefined; vu: number; iteration: number }[] = []
    const remember = async (ctx: IterationContext) => {
      seen.push({ scenario: ctx.scenario, vu: ctx.vu, iteration: ctx.iteration })
      await sleep(10, ctx.signal, clock)
    }
    const result = await runScenariosOnFakeClock(
      clock,
      {
        scenarios: {
          a: { executor: 'constant-vus', vus: 2, iterations: 4 },
          b: { executor: 'per-vu-iterations', vus: 3, iterations: 2 },
        },
      },
      { a: remember, b: remember },
    )
    const vusOf = (s: string) => [...new Set(seen.filter((x) => x.scenario === s).map((x) => x.vu))].sort()
    expect(vusOf('a')).toHaveLength(2)
    expect(vusOf('b')).toHaveLength(3)
    expect([...vusOf('a'), ...vusOf('b')].sort()).toEqual([1, 2, 3, 4, 5])
    // Iteration numbers count per scenario.
    expect(seen.filter((x) => x.scenario === 'b').map((x) => x.iteration)).toEqual([0, 1, 2, 3, 4, 5])
    expect(result.vusAllocated).toBe(5)
    expect(result.scenarios!.b.iterations).toBe(6)
  })
})

describe('stopping', () => {
  it('a run stopped before a scenario’s startTime never starts that scenario', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.setTimeout(() => controller.abort('enough'), 500)
    const result = await runScenariosOnFakeClock(
      clock,
      {
        scenarios: {
          now: { executor: 'constant-arrival-rate', rate: 10, duration: '2s' },
          later: { executor: 'constant-vus', vus: 1, duration: '1s', startTime: '1s' },
        },
      },
      { now: async () => {}, later: async () => {} },
      { signal: controller.signal },
    )
    expect(result.state).toBe('aborted')
    expect(result.scenarios!.now.iterations).toBe(5)
    expect(result.scenarios!.later).toMatchObject({ iterations: 0, durationMs: 0, vusAllocated: 0, timeline: [] })
  })

  it('each scenario has its own gracefulStop: one interrupts its stuck iteration while the other finishes', async () => {
    const clock = new FakeClock()
    const result = await runScenariosOnFakeClock(
      clock,
      {
        scenarios: {
          stuck: { executor: 'constant-vus', vus: 1, duration: '100ms', gracefulStop: '50ms' },
          patient: { executor: 'constant-vus', vus: 1, duration: '100ms', gracefulStop: '1s' },
        },
      },
      { stuck: (ctx) => sleep(400, ctx.signal, clock), patient: (ctx) => sleep(400, ctx.signal, clock) },
    )
    expect(result.scenarios!.stuck).toMatchObject({ iterations: 0, interrupted: 1, durationMs: 150 })
    expect(result.scenarios!.patient).toMatchObject({ iterations: 1, interrupted: 0, durationMs: 400 })
    expect([result.iterations, result.interrupted]).toEqual([1, 1])
    expect(result.config).toMatchObject({ gracefulStop: 1000 })
  })
})

describe('repetitions', () => {
  it('merges each scenario over the repetitions, its timeline on the totals’ clock', async () => {
    const runs = []
    for (let i = 0; i < 2; i++) {
      const clock = new FakeClock()
      runs.push(
        await runScenariosOnFakeClock(
          clock,
          {
            scenarios: {
              fast: { executor: 'constant-arrival-rate', rate: 10, duration: '2s' },
              late: { executor: 'constant-arrival-rate', rate: 5, duration: '1s', startTime: '1s' },
            },
          },
          { fast: () => sleep(1, undefined, clock), late: () => sleep(1, undefined, clock) },
        ),
      )
    }
    const merged = mergeRepetitions(runs)
    expect(merged.scenarios!.fast.iterations).toBe(40)
    expect(merged.scenarios!.late.iterations).toBe(10)
    expect(merged.scenarios!.late.timeline.map((p) => p.t)).toEqual([1, 1 + runs[0].timeline.length])
    expect(merged.scenarios!.late.latency.count).toBe(10)
  })
})

describe('runLoad() with scenarios', () => {
  it('runs the scenarios on the real clock and attaches nothing when asked not to', async () => {
    const result = await runLoad(
      {
        name: 'mix',
        scenarios: {
          reads: { executor: 'shared-iterations', vus: 2, iterations: 20 },
          writes: { executor: 'per-vu-iterations', vus: 1, iterations: 5, startTime: '20ms' },
        },
      },
      { reads: async () => {}, writes: async () => {} },
      { attach: false, monitor: false, probe: false },
    )
    expect(result.name).toBe('mix')
    expect(result.iterations).toBe(25)
    expect(result.scenarios!.reads.iterations).toBe(20)
    expect(result.scenarios!.writes).toMatchObject({ iterations: 5, startTime: 20 })
  })
})
