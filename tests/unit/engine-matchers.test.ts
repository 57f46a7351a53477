import { beforeAll, describe, expect, it } from 'vitest'
import { sleep } from '../../src/core/clock.ts'
import { PerfConfigError, PerfError, PerfThresholdError } from '../../src/core/errors.ts'
import type { RunResult, TimelinePoint } from '../../src/core/result.ts'
import type { ThresholdsInput } from '../../src/core/load-config.ts'
import { expectPerformance, meetsThresholds } from '../../src/runtime/expect-performance.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runOnFakeClock } from '../helpers/fake-run.ts'

// 20 iterations of 5 ms on a fake clock, every 5th fails: errors rate 0.2, a custom counter and a step.
let result: RunResult

beforeAll(async () => {
  const clock = new FakeClock()
  result = await runOnFakeClock(
    clock,
    { executor: 'shared-iterations', vus: 2, iterations: 20 },
    async (ctx) => {
      await ctx.time('db', () => sleep(5, undefined, clock))
      ctx.counter('orders', 1, { kind: ctx.iteration % 2 === 0 ? 'even' : 'odd' })
      if (ctx.iteration % 5 === 4) throw Object.assign(new Error('nope'), { code: 'E_NOPE' })
    },
    { name: 'checkout' },
  )
  expect(result.iterations).toBe(20)
  expect(result.failed).toBe(4)
  expect(result.durationMs).toBe(50)
})

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

/** A copy of the result with a synthetic per-second timeline. */
function withTimeline(points: Partial<TimelinePoint>[]): RunResult {
  const copy = structuredClone(result)
  copy.timeline = points.map((p, t) => ({
    t,
    ms: 1000,
    iterations: 0,
    errors: 0,
    dropped: 0,
    throughput: p.iterations ?? 0,
    p50: 0,
    p95: 0,
    p99: 0,
    vus: 1,
    ...p,
  }))
  copy.iterations = copy.timeline.reduce((n, p) => n + p.iterations, 0)
  copy.failed = copy.timeline.reduce((n, p) => n + p.errors, 0)
  copy.dropped = copy.timeline.reduce((n, p) => n + p.dropped, 0)
  copy.durationMs = copy.timeline.reduce((n, p) => n + p.ms, 0)
  copy.throughput = (copy.iterations * 1000) / copy.durationMs
  return copy
}

describe('expectPerformance(result).toMeet', () => {
  it.each<[string, ThresholdsInput]>([
    ['latency and errors', { latency: ['p(95)<2s', 'max<5s'], errors: ['rate<0.5', 'rate>0.1'] }],
    ['service time and iterations', { service_time: ['avg<2000ms'], iterations: ['count==20'] }],
    ['dropped and throughput', { dropped: ['count==0'], throughput: ['value==400'] }],
    ['a custom counter and its tagged sub-metric', { orders: ['count==20'], 'orders{kind:even}': ['count==10'] }],
    ['a step', { 'latency{step:db}': ['count==20', 'min>=5ms', 'p(99)<5.1ms'] }],
    ['an object threshold', { errors: { threshold: 'rate<=20%' } }],
  ])('passes when every threshold holds: %s', (_label, thresholds) => {
    expect(() => expectPerformance(result).toMeet(thresholds)).not.toThrow()
    expect(meetsThresholds(result, thresholds).pass).toBe(true)
  })

  it.each<[string, ThresholdsInput, number]>([
    ['one of two', { errors: ['rate<0.1'], iterations: ['count==20'] }, 1],
    ['both', { errors: ['rate<0.1'], latency: ['p(99)<0.001ms'] }, 2],
    ['a metric never recorded', { missing: ['rate>0.5'] }, 1],
  ])('fails with a PerfThresholdError holding the table: %s', (_label, thresholds, failed) => {
    const e = thrown(() => expectPerformance(result).toMeet(thresholds))
    expect(e).toBeInstanceOf(PerfThresholdError)
    const message = (e as PerfThresholdError).message
    expect((e as PerfThresholdError).code).toBe('PERF_THRESHOLD_FAILED')
    const total = Object.values(thresholds).flat().length
    expect(message).toContain(`${failed} of ${total} thresholds failed for "checkout"`)
    expect(message).toMatch(/metric\s+threshold\s+actual\s+result/)
    expect(message.match(/✗ FAIL/g)).toHaveLength(failed)
    expect(message.match(/✓ pass/g) ?? []).toHaveLength(total - failed)
  })

  it('the table shows the actual values with units', () => {
    const message = (thrown(() => expectPerformance(result).toMeet({ errors: ['rate<0.1'], iterations: ['count>100'] })) as Error).message
    expect(message).toMatch(/errors\s+rate<0.1\s+20\.00%\s+✗ FAIL/)
    expect(message).toMatch(/iterations\s+count>100\s+20\s+✗ FAIL/)
  })

  it('labels an unnamed run as "the run"', () => {
    const unnamed = structuredClone(result)
    delete unnamed.name
    expect(meetsThresholds(unnamed, { errors: ['rate<0.1'] }).message()).toContain('for the run')
  })

  it('rejects anything but a RunResult', () => {
    const e = thrown(() => expectPerformance({ iterations: 3 } as unknown as RunResult))
    expect(e).toBeInstanceOf(PerfError)
    expect((e as PerfError).code).toBe('PERF_RESULT_INVALID')
  })
})

describe('expectPerformance(result).not.toMeet', () => {
  it('passes when some threshold fails', () => {
    expect(() => expectPerformance(result).not.toMeet({ errors: ['rate<0.1'], iterations: ['count==20'] })).not.toThrow()
  })

  it('fails when every threshold holds, with the table', () => {
    const e = thrown(() => expectPerformance(result).not.toMeet({ errors: ['rate<0.5'], iterations: ['count==20'] }))
    expect(e).toBeInstanceOf(PerfThresholdError)
    const message = (e as Error).message
    expect(message).toContain('expected "checkout" not to meet the thresholds, but all 2 passed')
    expect(message.match(/✓ pass/g)).toHaveLength(2)
  })

  it('.not.not is the plain matcher again', () => {
    expect(() => expectPerformance(result).not.not.toMeet({ errors: ['rate<0.1'] })).toThrow(PerfThresholdError)
    expect(() => expectPerformance(result).not.not.toMeet({ errors: ['rate<0.5'] })).not.toThrow()
  })
})

describe('windowed thresholds in toMeet are evaluated from the timeline', () => {
  // 4 whole seconds, 10 iterations each; all 6 errors land in second 2. Whole run: 6/40 = 15%.
  const bursty = () => withTimeline([{ iterations: 10 }, { iterations: 10 }, { iterations: 10, errors: 6 }, { iterations: 10 }])

  it('errors: the whole run passes but a 1 s window fails', () => {
    const r = bursty()
    expect(meetsThresholds(r, { errors: ['rate<0.2'] }).pass).toBe(true)
    const outcome = meetsThresholds(r, { errors: ['rate<0.2 over 1s'] })
    expect(outcome.pass).toBe(false)
    expect(outcome.message()).toContain('1/4 windows failed, worst 60.00%')
  })

  it.each<[string, string, boolean, string]>([
    ['2 s windows', 'rate<0.4 over 2s', true, ''],
    ['2 s windows, stricter', 'rate<0.25 over 2s', false, '1/2 windows failed, worst 30.00%'],
    ['a window longer than the run', 'rate<0.2 over 10s', true, ''],
  ])('errors over %s', (_label, expression, pass, text) => {
    const outcome = meetsThresholds(bursty(), { errors: [expression] })
    expect(outcome.pass).toBe(pass)
    if (text) expect(outcome.message()).toContain(text)
  })

  it('iterations: a stalled second fails a per-window count', () => {
    const r = withTimeline([{ iterations: 10 }, { iterations: 0 }, { iterations: 10 }, { iterations: 10 }])
    expect(meetsThresholds(r, { iterations: ['count>=25'] }).pass).toBe(true)
    expect(meetsThresholds(r, { iterations: ['count>=5 over 1s'] }).pass).toBe(false)
    expect(meetsThresholds(r, { iterations: ['count>=5 over 2s'] }).pass).toBe(true)
    expect(meetsThresholds(r, { iterations: ['rate>=5/s over 1s'] }).pass).toBe(false)
    expect(meetsThresholds(r, { throughput: ['min>0 over 1s'] }).pass).toBe(false)
    expect(meetsThresholds(r, { dropped: ['count==0 over 1s'] }).pass).toBe(true)
  })

  it('a trailing partial second is part of the last window', () => {
    // Seconds 2 + 2.3 form the last window: 5 errors of 10 + 5 iterations = 33% ≥ 30%.
    const r = withTimeline([{ iterations: 10 }, { iterations: 10 }, { iterations: 10 }, { iterations: 5, errors: 5, ms: 300 }])
    expect(meetsThresholds(r, { errors: ['rate<0.3 over 2s'] }).pass).toBe(false)
  })

  // After the run, the partial-window rule measures milliseconds, as the in-run tracker does.
  it('a trailing point shorter than half a window is not evaluated, as during the run', () => {
    const r = withTimeline([{ iterations: 10 }, { iterations: 10 }, { iterations: 1, ms: 300 }])
    expect(meetsThresholds(r, { iterations: ['count>=5 over 2s'] }).pass).toBe(true)
  })

  it('applies to the real run as well', () => {
    expect(() => expectPerformance(result).toMeet({ iterations: ['count>=1 over 1s'], errors: ['rate<=0.5 over 1s'] })).not.toThrow()
  })
})

describe('problems in the thresholds throw PerfConfigError', () => {
  it.each(['latency', 'service_time', 'latency{step:db}', 'orders'])('a windowed threshold on %s', (metric) => {
    const expression = metric === 'orders' ? 'count>1 over 1s' : 'p(95)<100 over 1s'
    const e = thrown(() => expectPerformance(result).toMeet({ [metric]: [expression] }))
    expect(e).toBeInstanceOf(PerfConfigError)
    expect((e as PerfConfigError).code).toBe('PERF_CONFIG_INVALID')
    expect((e as PerfConfigError).problems).toEqual([
      { path: `toMeet.${metric}`, message: expect.stringContaining('only exist during the run') },
    ])
  })

  it('lists every problem at once, with its path', () => {
    const e = thrown(() =>
      expectPerformance(result).toMeet({
        latency: ['p(95)<<200', 'p(99)<300ms'],
        errors: ['rate<5ms'],
        'bad key{': ['count<1'],
        iterations: [{ threshold: 'count<1', abortOnFial: true } as never],
        throughput: 'value>1 over 1x',
      }),
    )
    expect(e).toBeInstanceOf(PerfConfigError)
    const problems = (e as PerfConfigError).problems
    expect(problems.map((p) => p.path)).toEqual([
      'toMeet.latency[0]',
      'toMeet.errors[0]',
      'toMeet["bad key{"]',
      'toMeet.iterations[0].abortOnFial',
      'toMeet.throughput',
    ])
    expect((e as Error).message).toContain('(5 problems)')
    for (const p of problems) expect((e as Error).message).toContain(p.path)
  })

  it('an invalid expression under .not throws too: nothing is evaluated', () => {
    expect(() => expectPerformance(result).not.toMeet({ latency: ['p95<200'] })).toThrow(PerfConfigError)
  })
})
