import { describe, expect, it } from 'vitest'
import { runLoad as runLoadAttached } from '../../src/run/run-load.ts'
import { type RunOptions } from '../../src/run/options.ts'
import type { LoadConfig } from '../../src/core/load-config.ts'
import type { IterationContext, Workflow } from '../../src/engine/context.ts'
import { PerfError } from '../../src/core/errors.ts'
import type { CustomMetricResult, RunResult } from '../../src/core/result.ts'
import type { ThresholdsInput } from '../../src/core/load-config.ts'
import { sleep } from '../../src/core/clock.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runOnFakeClock } from '../helpers/fake-run.ts'

// Engine mechanics, not measurements: keep these runs out of the perf reporter's results.
const runLoad = (config: LoadConfig, workflow: Workflow, options: RunOptions = {}) =>
  runLoadAttached(config, workflow, { attach: false, ...options })

// One VU, a fixed number of iterations: the recorded values are known exactly. Workflows that
// wait do so on a fake clock (runOnClock), so times are exact too.

function run(iterations: number, workflow: (ctx: IterationContext) => unknown, thresholds?: ThresholdsInput): Promise<RunResult> {
  return runLoad({ executor: 'shared-iterations', vus: 1, iterations, ...(thresholds ? { thresholds } : {}) }, workflow)
}

function runOnClock(
  clock: FakeClock,
  iterations: number,
  workflow: (ctx: IterationContext) => unknown,
  thresholds?: ThresholdsInput,
): Promise<RunResult> {
  return runOnFakeClock(clock, { executor: 'shared-iterations', vus: 1, iterations, ...(thresholds ? { thresholds } : {}) }, workflow)
}

function metric<T extends CustomMetricResult['type']>(result: RunResult, key: string, type: T): Extract<CustomMetricResult, { type: T }> {
  const m = result.metrics[key]
  expect(m, `metric ${key} in ${Object.keys(result.metrics).join(', ')}`).toBeDefined()
  expect(m.type).toBe(type)
  return m as Extract<CustomMetricResult, { type: T }>
}

function threshold(result: RunResult, key: string) {
  const t = result.thresholds.find((o) => o.metric === key)
  expect(t, `threshold on ${key}`).toBeDefined()
  return t!
}

describe('ctx.counter / rate / trend / gauge', () => {
  it('land in result.metrics with the right values', async () => {
    // vuIteration 0..9: counter +2 each, rate true on even, trend 10..100, gauge = 5 - i; 10 ms each.
    const clock = new FakeClock()
    const result = await runOnClock(clock, 10, async (ctx) => {
      const i = ctx.vuIteration
      ctx.counter('orders', 2)
      ctx.counter('visits')
      ctx.rate('ok', i % 2 === 0)
      ctx.trend('size', (i + 1) * 10)
      ctx.gauge('queue', 5 - i)
      await sleep(10, ctx.signal, clock)
    })
    expect(result.failed).toBe(0)
    expect(result.durationMs).toBe(100)
    // 20 in 100 ms: 200 per second of the run.
    expect(metric(result, 'orders', 'counter')).toMatchObject({ name: 'orders', tags: {}, count: 20, rate: 200 })
    expect(metric(result, 'visits', 'counter').count).toBe(10)
    expect(metric(result, 'ok', 'rate')).toMatchObject({ trues: 5, total: 10, rate: 0.5 })
    expect(metric(result, 'queue', 'gauge')).toMatchObject({ value: -4, min: -4, max: 5 })
    const size = metric(result, 'size', 'trend')
    expect(size.summary.count).toBe(10)
    expect(size.summary.min).toBeCloseTo(10, 1)
    expect(size.summary.max).toBeCloseTo(100, 1)
    expect(size.summary.mean).toBeCloseTo(55, 1)
    expect(size.summary.p50).toBeCloseTo(50, 1)
    expect(typeof size.histogram).toBe('string')
  })

  it('thresholds see the custom values', async () => {
    const result = await run(
      10,
      (ctx) => {
        ctx.counter('orders', 2)
        ctx.rate('ok', ctx.vuIteration < 9)
        ctx.trend('size', (ctx.vuIteration + 1) * 10)
        ctx.gauge('queue', ctx.vuIteration)
      },
      {
        orders: ['count==20', 'count>20'],
        ok: ['rate>=0.9', 'rate>0.9'],
        size: ['max<=100', 'p(50)<40'],
        queue: ['value==9', 'max<9'],
      },
    )
    expect(result.thresholds.map((t) => [t.metric, t.expression, t.ok])).toEqual([
      ['orders', 'count==20', true],
      ['orders', 'count>20', false],
      ['ok', 'rate>=0.9', true],
      ['ok', 'rate>0.9', false],
      ['size', 'max<=100', true],
      ['size', 'p(50)<40', false],
      ['queue', 'value==9', true],
      ['queue', 'max<9', false],
    ])
  })

  it('a threshold on a metric never recorded fails with no samples', async () => {
    const result = await run(2, () => {}, { never: ['rate>0.5'] })
    expect(threshold(result, 'never')).toMatchObject({ ok: false, actual: null, note: 'no samples recorded' })
  })
})

describe('tagged samples', () => {
  it('go to the parent and to the exact tag key, tags sorted by name', async () => {
    const result = await run(6, (ctx) => {
      const status = ctx.vuIteration < 4 ? '200' : '500'
      ctx.counter('requests', 1, { status, method: 'GET' })
      ctx.trend('db', ctx.vuIteration + 1, { table: 'orders' })
    })
    expect(metric(result, 'requests', 'counter')).toMatchObject({ count: 6, tags: {} })
    expect(metric(result, 'requests{method:GET,status:200}', 'counter')).toMatchObject({
      name: 'requests',
      tags: { method: 'GET', status: '200' },
      count: 4,
    })
    expect(metric(result, 'requests{method:GET,status:500}', 'counter').count).toBe(2)
    // No sub-metric for a subset of the tags unless a threshold asks for it.
    expect(result.metrics['requests{status:200}']).toBeUndefined()
    expect(result.metrics['requests{method:GET}']).toBeUndefined()
    expect(metric(result, 'db', 'trend').summary.count).toBe(6)
    expect(metric(result, 'db{table:orders}', 'trend').summary.count).toBe(6)
  })

  it('a threshold on a subset of the tags collects every matching sample', async () => {
    const result = await run(
      8,
      (ctx) => {
        const status = ctx.vuIteration % 4 === 0 ? '500' : '200'
        const method = ctx.vuIteration % 2 === 0 ? 'GET' : 'POST'
        ctx.counter('requests', 1, { status, method })
        ctx.rate('checks', status === '200', { method, region: 'eu' })
      },
      {
        'requests{status:200}': ['count==6'],
        'requests{status:500}': ['count==2'],
        'requests{status:404}': ['count==0'],
        'checks{method:GET}': ['rate==0.5'],
        'checks{region:eu}': ['rate==0.75'],
      },
    )
    expect(metric(result, 'requests{status:200}', 'counter')).toMatchObject({ name: 'requests', tags: { status: '200' }, count: 6 })
    expect(metric(result, 'requests{status:500}', 'counter').count).toBe(2)
    expect(result.metrics['requests{status:404}']).toBeUndefined()
    expect(metric(result, 'checks{method:GET}', 'rate')).toMatchObject({ trues: 2, total: 4 })
    expect(metric(result, 'checks{region:eu}', 'rate')).toMatchObject({ trues: 6, total: 8 })
    for (const t of result.thresholds) expect(t, `${t.metric} ${t.expression}`).toMatchObject({ ok: true })
  })
})

describe('ctx.time', () => {
  it("records the sub-metric latency{step:NAME}, also when fn throws, and returns fn's value", async () => {
    const clock = new FakeClock()
    const returned: unknown[] = []
    const result = await runOnClock(
      clock,
      4,
      async (ctx) => {
        returned.push(await ctx.time('db', async () => (await sleep(30, undefined, clock), 'rows')))
        if (ctx.vuIteration % 2 === 1) {
          await ctx.time('pay', async () => {
            await sleep(20, undefined, clock)
            throw new Error('declined')
          })
        }
      },
      { 'latency{step:db}': ['p(95)>=30', 'max==30', 'count==4'], 'latency{step:pay}': ['max==20', 'count==2'] },
    )
    expect(returned).toEqual(['rows', 'rows', 'rows', 'rows'])
    const db = metric(result, 'latency{step:db}', 'trend')
    expect(db).toMatchObject({ name: 'latency', tags: { step: 'db' } })
    expect(db.summary).toMatchObject({ count: 4, min: 30, max: 30 })
    // The throwing step is timed, and its error fails the iteration.
    const pay = metric(result, 'latency{step:pay}', 'trend')
    expect(pay.summary).toMatchObject({ count: 2, min: 20, max: 20 })
    // The iteration's latency holds its steps: 30 ms, or 30 + 20 ms.
    expect(result.latency).toMatchObject({ min: 30, max: 50 })
    expect(result.failed).toBe(2)
    expect(result.errors.byKind).toEqual({ Error: { count: 2, message: 'declined' } })
    // Steps are sub-metrics only: the built-in latency is the iteration's, not a custom metric.
    expect(result.metrics.latency).toBeUndefined()
    expect(result.latency.count).toBe(4)
    for (const t of result.thresholds) expect(t, `${t.metric} ${t.expression}`).toMatchObject({ ok: true })
  })

  it('extra tags make the exact key; a threshold on the step alone still collects them', async () => {
    const result = await run(
      3,
      async (ctx) => {
        await ctx.time('db', () => ctx.vuIteration, { table: ctx.vuIteration === 0 ? 'users' : 'orders' })
      },
      { 'latency{step:db}': ['count==3'] },
    )
    expect(metric(result, 'latency{step:db,table:orders}', 'trend').summary.count).toBe(2)
    expect(metric(result, 'latency{step:db,table:users}', 'trend').summary.count).toBe(1)
    expect(metric(result, 'latency{step:db}', 'trend').summary.count).toBe(3)
    expect(threshold(result, 'latency{step:db}').ok).toBe(true)
  })
})

describe('misused metric names fail the iteration with PERF_METRIC_INVALID', () => {
  it.each([
    ['a counter reused as a trend', (ctx: IterationContext) => (ctx.counter('x'), ctx.trend('x', 1))],
    ['a rate reused as a gauge', (ctx: IterationContext) => (ctx.rate('x', true), ctx.gauge('x', 1))],
    ['the built-in latency', (ctx: IterationContext) => ctx.trend('latency', 1)],
    ['the built-in errors', (ctx: IterationContext) => ctx.rate('errors', false)],
    ['the built-in iterations', (ctx: IterationContext) => ctx.counter('iterations')],
    ['the built-in throughput', (ctx: IterationContext) => ctx.gauge('throughput', 1)],
  ])('%s', async (_label, workflow) => {
    const errors: unknown[] = []
    const result = await run(3, (ctx) => {
      try {
        workflow(ctx)
      } catch (e) {
        errors.push(e)
        throw e
      }
    })
    expect(result.iterations).toBe(3)
    expect(result.failed).toBe(3)
    expect(Object.keys(result.errors.byKind)).toEqual(['PERF_METRIC_INVALID'])
    expect(result.errors.byKind.PERF_METRIC_INVALID.count).toBe(3)
    expect(errors[0]).toBeInstanceOf(PerfError)
    expect(result.errors.byKind.PERF_METRIC_INVALID.message).toMatch(/built-in|one type per metric name/)
  })

  it('the first type recorded wins: the original metric keeps its values', async () => {
    const result = await run(2, (ctx) => {
      ctx.counter('x', 5)
      ctx.trend('x', 1)
    })
    expect(metric(result, 'x', 'counter').count).toBe(10)
    expect(result.failed).toBe(2)
  })
})

describe('errors.byKind', () => {
  class HttpError extends Error {
    override name = 'HttpError'
  }

  it('groups by error code first, then by name, keeping the first message', async () => {
    const throwers: (() => unknown)[] = [
      () => Object.assign(new Error('connection reset 1'), { code: 'ECONNRESET' }),
      () => Object.assign(new TypeError('reset as type error'), { code: 'ECONNRESET' }),
      () => new HttpError('503 from upstream'),
      () => new HttpError('502 from upstream'),
      () => new TypeError('x is undefined'),
      () => Object.assign(new Error('numeric'), { code: 503 }),
      () => Object.assign(new Error('empty code'), { code: '' }),
      () => 'a string',
      () => ({ reason: 'plain object' }),
      () => 42,
    ]
    const result = await run(throwers.length, (ctx) => {
      throw throwers[ctx.vuIteration]()
    })
    expect(result.failed).toBe(throwers.length)
    expect(result.errors.count).toBe(throwers.length)
    expect(result.errors.rate).toBe(1)
    expect(result.errors.byKind).toEqual({
      ECONNRESET: { count: 2, message: 'connection reset 1' },
      HttpError: { count: 2, message: '503 from upstream' },
      TypeError: { count: 1, message: 'x is undefined' },
      'code 503': { count: 1, message: 'numeric' },
      Error: { count: 1, message: 'empty code' },
      string: { count: 1, message: 'a string' },
      Object: { count: 1, message: '{"reason":"plain object"}' },
      number: { count: 1, message: '42' },
    })
  })

  it('rejected promises are counted like throws; passing iterations are not', async () => {
    const result = await run(4, async (ctx) => {
      if (ctx.vuIteration % 2 === 0) await Promise.reject(Object.assign(new Error('t/o'), { code: 'ETIMEDOUT' }))
    })
    expect(result.failed).toBe(2)
    expect(result.errors.rate).toBe(0.5)
    expect(result.errors.byKind).toEqual({ ETIMEDOUT: { count: 2, message: 't/o' } })
  })
})
