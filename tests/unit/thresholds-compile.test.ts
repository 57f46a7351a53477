import { describe, it, expect } from 'vitest'
import { BUILTIN_METRIC_TYPES, compileThresholds } from '../../src/thresholds/define.ts'

describe('compileThresholds: valid input', () => {
  it('compiles strings, arrays and object forms into defs with canonical metric keys', () => {
    const { defs, problems } = compileThresholds({
      latency: ['p(95)<200ms', 'p(99)<1s'],
      errors: 'rate<1%',
      'db{table:orders, op:insert}': { threshold: 'p(50)<20', abortOnFail: true, delayAbortEval: '1m30s' },
      'latency{step:checkout}': [{ threshold: 'max<2s', delayAbortEval: 250 }],
    })
    expect(problems).toEqual([])
    expect(defs.map((d) => [d.metric, d.parsed.source, d.abortOnFail, d.delayAbortEvalMs])).toEqual([
      ['latency', 'p(95)<200ms', false, 0],
      ['latency', 'p(99)<1s', false, 0],
      ['errors', 'rate<1%', false, 0],
      ['db{op:insert,table:orders}', 'p(50)<20', true, 90_000],
      ['latency{step:checkout}', 'max<2s', false, 250],
    ])
    const db = defs[3]
    expect(db.name).toBe('db')
    expect(db.tags).toEqual({ table: 'orders', op: 'insert' })
    expect(db.parsed).toMatchObject({ aggregation: { kind: 'p', p: 50 }, op: '<', value: 20 })
  })

  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['2m', 120_000],
    [' 1h1s ', 3_601_000],
    ['0s', 0],
    [0, 0],
    [1500.5, 1500.5],
  ] as [string | number, number][])('delayAbortEval %j → %i ms', (delay, ms) => {
    const { defs, problems } = compileThresholds({ latency: { threshold: 'avg<1', abortOnFail: true, delayAbortEval: delay } })
    expect(problems).toEqual([])
    expect(defs[0].delayAbortEvalMs).toBe(ms)
  })

  it('treats undefined as no thresholds and an empty array as none for that metric', () => {
    expect(compileThresholds(undefined)).toEqual({ defs: [], problems: [], warnings: [] })
    expect(compileThresholds({ latency: [] })).toEqual({ defs: [], problems: [], warnings: [] })
  })

  it('accepts any aggregation on custom metrics (checked at evaluation)', () => {
    const { defs, problems } = compileThresholds({ my_metric: ['p(95)<5', 'rate<1%', 'value>3', 'count>0'] })
    expect(problems).toEqual([])
    expect(defs).toHaveLength(4)
  })
})

describe('compileThresholds: problems', () => {
  it('collects every problem with its path instead of stopping at the first', () => {
    const { defs, problems } = compileThresholds({
      latency: ['p(95)<200', 'p(95<200', 42],
      errors: 'p(95)<1',
      'bad key{': 'avg<1',
      iterations: { threshold: 'count>1', abortOnFail: 'yes', delayAbortEval: 'soon', abortOnFailure: true },
      dropped: null,
      'x{a:1}': { abortOnFail: true },
      y: [['avg<1']],
    })
    expect(defs.map((d) => d.parsed.source)).toEqual(['p(95)<200'])
    expect(problems.map((p) => p.path)).toEqual([
      'thresholds.latency[1]',
      'thresholds.latency[2]',
      'thresholds.errors',
      'thresholds["bad key{"]',
      'thresholds.iterations.abortOnFailure',
      'thresholds.iterations.abortOnFail',
      'thresholds.iterations.delayAbortEval',
      'thresholds.dropped',
      'thresholds["x{a:1}"].threshold',
      'thresholds.y[0]',
    ])
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]))
    expect(byPath['thresholds.latency[1]']).toContain('Invalid threshold "p(95<200" at position 4')
    expect(byPath['thresholds.latency[1]']).toContain("expected ')'")
    expect(byPath['thresholds.latency[2]']).toContain('got number 42')
    expect(byPath['thresholds.errors']).toContain('rate')
    expect(byPath['thresholds["bad key{"]']).toContain('invalid metric key "bad key{" at position 4')
    expect(byPath['thresholds.iterations.abortOnFailure']).toContain('unknown option')
    expect(byPath['thresholds.iterations.abortOnFail']).toContain('got "yes"')
    expect(byPath['thresholds.iterations.delayAbortEval']).toContain('got "soon"')
    expect(byPath['thresholds.dropped']).toContain('got null')
    expect(byPath['thresholds["x{a:1}"].threshold']).toContain('is required')
    expect(byPath['thresholds.y[0]']).toContain('got an array')
  })

  it('uses a custom root path', () => {
    const { problems } = compileThresholds({ latency: 'nope' }, 'load.thresholds')
    expect(problems[0].path).toBe('load.thresholds.latency')
  })

  it.each([null, 'p(95)<200', 42, ['p(95)<200'], new Map()])('rejects a non-object root %j', (input) => {
    const { defs, problems } = compileThresholds(input)
    expect(defs).toEqual([])
    expect(problems).toHaveLength(1)
    expect(problems[0].path).toBe('thresholds')
    expect(problems[0].message).toContain('must be an object mapping metric keys to thresholds')
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '10 s', '30s1m', '1h1h', 'abc', true, {}])('rejects delayAbortEval %j', (delay) => {
    const { defs, problems } = compileThresholds({ latency: { threshold: 'avg<1', delayAbortEval: delay } })
    expect(defs).toEqual([])
    expect(problems.map((p) => p.path)).toEqual(['thresholds.latency.delayAbortEval'])
    expect(problems[0].message).toContain('must be a duration like 10s, 1m30s or 500ms')
  })
})

describe('compileThresholds: built-in metric types', () => {
  it('exports the built-in types', () => {
    expect(BUILTIN_METRIC_TYPES).toEqual({
      latency: 'trend',
      service_time: 'trend',
      errors: 'rate',
      iterations: 'counter',
      dropped: 'counter',
      throughput: 'gauge',
    })
  })

  const accepted: [string, string][] = [
    ...['p(95)<200', 'avg<1s', 'med<5', 'min>0', 'max<2s', 'count>10'].flatMap((t): [string, string][] => [
      ['latency', t],
      ['service_time', t],
      ['latency{step:checkout}', t],
    ]),
    ['errors', 'rate<1%'],
    ['errors', 'rate<0.01'],
    ['errors', 'count<5'],
    ['errors{step:pay}', 'rate==0'],
    ['iterations', 'count>100'],
    ['iterations', 'rate>50/s'],
    ['dropped', 'count==0'],
    ['dropped', 'rate<1'],
    ['throughput', 'value>100'],
    ['throughput', 'avg>100'],
    ['throughput', 'min>50'],
    ['throughput', 'max<1000'],
  ]
  it.each(accepted)('%s accepts %s', (metric, threshold) => {
    const { defs, problems } = compileThresholds({ [metric]: threshold })
    expect(problems).toEqual([])
    expect(defs).toHaveLength(1)
  })

  // [metric, threshold, type named, supported list or unit hint, what was given]
  const rejected: [string, string, string, string, string][] = [
    ['latency', 'rate<1%', 'trend', 'p(N), avg, med, min, max, count', 'rate'],
    ['latency', 'value<1', 'trend', 'p(N), avg, med, min, max, count', 'value'],
    ['latency{step:checkout}', 'rate<1', 'trend', 'p(N), avg, med, min, max, count', 'rate'],
    ['service_time', 'value<1', 'trend', 'p(N), avg, med, min, max, count', 'value'],
    ['errors', 'p(95)<1', 'rate', 'rate, count', 'p(95)'],
    ['errors', 'avg<1', 'rate', 'rate, count', 'avg'],
    ['iterations', 'p(50)<1', 'counter', 'count, rate', 'p(50)'],
    ['dropped', 'max<1', 'counter', 'count, rate', 'max'],
    ['throughput', 'p(99)<5', 'gauge', 'value, avg, min, max', 'p(99)'],
    ['throughput', 'count>1', 'gauge', 'value, avg, min, max', 'count'],
    ['latency', 'avg<5%', 'trend', 'time unit', '"%"'],
    ['iterations', 'rate>5%', 'counter', '/s', '"%"'],
    ['errors', 'rate<5/s', 'rate', '%', '"/s"'],
  ]
  it.each(rejected)('%s rejects %s', (metric, threshold, type, supports, given) => {
    const { defs, problems } = compileThresholds({ [metric]: [threshold] })
    expect(defs).toEqual([])
    expect(problems).toHaveLength(1)
    expect(problems[0].path).toMatch(/^thresholds(\.|\[")/)
    const name = metric.split('{')[0]
    expect(problems[0].message).toContain(`"${name}"`)
    expect(problems[0].message).toContain(type)
    expect(problems[0].message).toContain(supports)
    expect(problems[0].message).toContain(given)
  })
})
