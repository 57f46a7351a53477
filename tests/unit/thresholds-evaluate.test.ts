import { describe, it, expect } from 'vitest'
import type { MetricSnapshot } from '../../src/core/metric-snapshot.ts'
import { compileThresholds } from '../../src/thresholds/define.ts'
import type { ThresholdDef } from '../../src/thresholds/define.ts'
import { compareThreshold, evaluateThreshold, formatThresholdTable, thresholdOutcome } from '../../src/thresholds/evaluate.ts'
import type { ThresholdOutcome } from '../../src/core/result.ts'

function def(metric: string, threshold: string): ThresholdDef {
  const { defs, problems } = compileThresholds({ [metric]: threshold })
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('\n'))
  return defs[0]
}

// percentile(p) = 10·p makes every percentile distinguishable from mean/min/max.
const trend: MetricSnapshot = {
  type: 'trend',
  stats: { count: 120, percentile: (p) => p * 10, mean: 412.5, min: 3, max: 1200 },
}
const counter: MetricSnapshot = { type: 'counter', count: 1998, perSecond: 199.8 }
const rate: MetricSnapshot = { type: 'rate', trues: 5, total: 1000 }
const gauge: MetricSnapshot = { type: 'gauge', value: 150, min: 90, max: 310 }

describe('evaluateThreshold: aggregations per snapshot type', () => {
  // [snapshot, metric, aggregation, expected actual, display unit]
  const cases: [MetricSnapshot, string, string, number, string | undefined][] = [
    [trend, 'latency', 'p(95)', 950, 'ms'],
    [trend, 'latency', 'p(99.5)', 995, 'ms'],
    [trend, 'latency', 'avg', 412.5, 'ms'],
    [trend, 'latency', 'med', 500, 'ms'],
    [trend, 'latency', 'min', 3, 'ms'],
    [trend, 'latency', 'max', 1200, 'ms'],
    [trend, 'latency', 'count', 120, undefined],
    [counter, 'iterations', 'count', 1998, undefined],
    [counter, 'iterations', 'rate', 199.8, '/s'],
    [rate, 'errors', 'rate', 0.005, '%'],
    [rate, 'errors', 'count', 5, undefined],
    [gauge, 'throughput', 'value', 150, undefined],
    [gauge, 'throughput', 'avg', 150, undefined],
    [gauge, 'throughput', 'min', 90, undefined],
    [gauge, 'throughput', 'max', 310, undefined],
    // custom metrics take their type from the snapshot
    [trend, 'custom', 'p(50)', 500, 'ms'],
    [rate, 'custom', 'rate', 0.005, '%'],
    [counter, 'custom', 'rate', 199.8, '/s'],
    [gauge, 'custom', 'value', 150, undefined],
  ]
  it.each(cases)('%#: %s → %s %s = %d', (snapshot, metric, agg, actual, unit) => {
    const r = evaluateThreshold(def(metric, `${agg}>=${actual}`), snapshot)
    expect(r).toEqual({ ok: true, actual, ...(unit ? { unit } : {}) })
    expect(evaluateThreshold(def(metric, `${agg}<${actual}`), snapshot).ok).toBe(false)
  })

  it('reports a rate of 0 when no outcome was recorded yet', () => {
    const r = evaluateThreshold(def('errors', 'rate<=0'), { type: 'rate', trues: 0, total: 0 })
    expect(r).toEqual({ ok: true, actual: 0, unit: '%' })
  })

  it.each([
    ['custom', 'rate<1', trend, 'is a trend metric and supports p(N), avg, med, min, max, count; the threshold uses rate'],
    ['custom', 'p(95)<1', rate, 'is a rate metric and supports rate, count; the threshold uses p(95)'],
    ['custom', 'value<1', counter, 'is a counter metric and supports count, rate; the threshold uses value'],
    ['custom', 'count<1', gauge, 'is a gauge metric and supports value, avg, min, max; the threshold uses count'],
    ['custom{a:b}', 'med<1', gauge, '"custom{a:b}" is a gauge metric'],
    ['custom', 'avg<1%', trend, 'use a time unit'],
  ] as [string, string, MetricSnapshot, string][])('%s %s on a mismatched snapshot fails with a note', (m, t, s, note) => {
    const r = evaluateThreshold(def(m, t), s)
    expect(r.ok).toBe(false)
    expect(r.actual).toBeNull()
    expect(r.note).toContain(note)
  })
})

describe('evaluateThreshold: operator boundaries', () => {
  // actual p(50) is 500; [operator, value, ok]
  const cases: [string, string, boolean][] = [
    ['<', '500', false],
    ['<', '500.001', true],
    ['<=', '500', true],
    ['<=', '499.999', false],
    ['>', '500', false],
    ['>', '499.999', true],
    ['>=', '500', true],
    ['>=', '500.001', false],
    ['==', '500', true],
    ['===', '500', true],
    ['==', '500.001', false],
    ['!=', '500', false],
    ['!=', '500.001', true],
    ['<=', '0.5s', true],
    ['==', '500000us', true],
  ]
  it.each(cases)('p(50) %s %s → %s', (op, value, ok) => {
    expect(evaluateThreshold(def('latency', `p(50)${op}${value}`), trend).ok).toBe(ok)
  })

  it('treats values within a relative 1e-9 as equal, for == and the ordering operators alike', () => {
    const nearly = 0.1 + 0.2 // 0.30000000000000004
    expect(compareThreshold(nearly, '==', 0.3)).toBe(true)
    expect(compareThreshold(nearly, '<=', 0.3)).toBe(true)
    expect(compareThreshold(nearly, '>', 0.3)).toBe(false)
    expect(compareThreshold(nearly, '!=', 0.3)).toBe(false)
    expect(compareThreshold(1e6 + 1e-4, '==', 1e6)).toBe(true)
    expect(compareThreshold(1 + 1e-8, '==', 1)).toBe(false)
    expect(compareThreshold(1e-12, '==', 0)).toBe(false)
    expect(compareThreshold(Number.POSITIVE_INFINITY, '==', 1e308)).toBe(false)
    expect(compareThreshold(Number.POSITIVE_INFINITY, '>', 1e308)).toBe(true)
  })

  it('compares a percentage threshold at its exact boundary', () => {
    const half = { type: 'rate', trues: 1, total: 200 } as const
    expect(evaluateThreshold(def('errors', 'rate<=0.5%'), half).ok).toBe(true)
    expect(evaluateThreshold(def('errors', 'rate<0.5%'), half).ok).toBe(false)
  })
})

describe('evaluateThreshold: no samples', () => {
  it.each([
    ['latency', 'count<1', true],
    ['latency', 'count>0', false],
    ['errors', 'count==0', true],
    ['iterations', 'count>=1', false],
    ['custom', 'count<5', true],
  ] as [string, string, boolean][])('%s %s evaluates against 0 → %s', (metric, threshold, ok) => {
    const r = evaluateThreshold(def(metric, threshold), undefined)
    expect(r).toEqual({ ok, actual: 0 })
  })

  it.each([
    ['latency', 'p(95)<200'],
    ['latency', 'avg<200'],
    ['errors', 'rate<1%'],
    ['iterations', 'rate>1'],
    ['throughput', 'value>1'],
    ['custom', 'max!=1'],
  ])('%s %s fails with "no samples recorded"', (metric, threshold) => {
    expect(evaluateThreshold(def(metric, threshold), undefined)).toEqual({
      ok: false,
      actual: null,
      note: 'no samples recorded',
    })
  })

  it('treats an empty trend like no samples', () => {
    const empty: MetricSnapshot = {
      type: 'trend',
      stats: { count: 0, percentile: () => 0, mean: 0, min: 0, max: 0 },
    }
    expect(evaluateThreshold(def('latency', 'p(95)<200'), empty)).toMatchObject({ ok: false, note: 'no samples recorded' })
    expect(evaluateThreshold(def('latency', 'count==0'), empty)).toEqual({ ok: true, actual: 0 })
  })
})

describe('thresholdOutcome', () => {
  it('combines the def and the result', () => {
    const d = def('latency{step:pay}', 'p(95)<200ms')
    expect(thresholdOutcome(d, evaluateThreshold(d, trend))).toEqual({
      metric: 'latency{step:pay}',
      expression: 'p(95)<200ms',
      ok: false,
      actual: 950,
      unit: 'ms',
      abortOnFail: false,
    })
  })
})

describe('formatThresholdTable', () => {
  const outcomes: ThresholdOutcome[] = [
    { metric: 'latency', expression: 'p(95)<200ms', ok: true, actual: 23.4081, unit: 'ms' },
    { metric: 'errors', expression: 'rate<1%', ok: true, actual: 0.005 },
    { metric: 'iterations', expression: 'count>1000', ok: true, actual: 1998 },
    { metric: 'iterations', expression: 'rate>150', ok: true, actual: 199.8 },
    {
      metric: 'latency{step:checkout}',
      expression: 'p(99)<500 over 10s',
      ok: false,
      actual: 410,
      unit: 'ms',
      window: { ms: 10_000, failed: 3, total: 12, worst: 812 },
    },
    { metric: 'db', expression: 'p(95)<20', ok: false, actual: null, note: 'no samples recorded' },
  ]

  it('renders an aligned table with formatted values', () => {
    expect(formatThresholdTable(outcomes)).toBe(
      [
        'metric                  threshold           actual                               result',
        '----------------------  ------------------  -----------------------------------  ------',
        'latency                 p(95)<200ms         23.41ms                              ✓ pass',
        'errors                  rate<1%             0.50%                                ✓ pass',
        'iterations              count>1000          1998                                 ✓ pass',
        'iterations              rate>150            199.8/s                              ✓ pass',
        'latency{step:checkout}  p(99)<500 over 10s  3/12 windows failed, worst 812.00ms  ✗ FAIL',
        'db                      p(95)<20            -                                    ✗ FAIL  (no samples recorded)',
      ].join('\n'),
    )
  })

  it.each([
    [{ metric: 'custom', expression: 'value<2', ok: true, actual: 1.23456 }, '1.23'],
    [{ metric: 'custom', expression: 'value<2s', ok: true, actual: 1234.5 }, '1234.50ms'],
    [{ metric: 'custom', expression: 'avg<1', ok: true, actual: 0.5, unit: '%' }, '50.00%'],
    [{ metric: 'custom', expression: 'avg<1', ok: true, actual: 0.5, unit: 's' }, '0.50ms'],
    [{ metric: 'throughput', expression: 'value>1', ok: true, actual: 87 }, '87'],
    [{ metric: 'dropped', expression: 'rate<1', ok: true, actual: 0.25 }, '0.3/s'],
    [
      { metric: 'x', expression: 'max<1 over 1s', ok: true, actual: 0, window: { ms: 1000, failed: 0, total: 4, worst: null } },
      '0/4 windows failed',
    ],
  ] as [ThresholdOutcome, string][])('formats %j as %s', (outcome, cell) => {
    const row = formatThresholdTable([outcome]).split('\n')[2]
    expect(row.split(/ {2,}/)[2]).toBe(cell)
  })

  it('says so when there are no thresholds', () => {
    expect(formatThresholdTable([])).toContain('(no thresholds defined)')
  })
})
