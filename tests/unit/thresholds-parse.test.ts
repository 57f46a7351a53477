import { describe, it, expect } from 'vitest'
import { PerfThresholdSyntaxError } from '../../src/core/errors.ts'
import { metricKey } from '../../src/core/metric-key.ts'
import { parseMetricKey, parseThreshold } from '../../src/thresholds/parse.ts'
import type { ParsedThreshold } from '../../src/thresholds/parse.ts'

type Expected = Omit<ParsedThreshold, 'source'>

const valid: [string, Expected][] = [
  ['p(95)<200', { aggregation: { kind: 'p', p: 95 }, op: '<', value: 200 }],
  ['p(99.9) <= 1.5s', { aggregation: { kind: 'p', p: 99.9 }, op: '<=', value: 1500, unit: 's' }],
  ['p(0)>=0', { aggregation: { kind: 'p', p: 0 }, op: '>=', value: 0 }],
  ['p(100)<1m', { aggregation: { kind: 'p', p: 100 }, op: '<', value: 60_000, unit: 'm' }],
  ['  p ( 90 )  <  300 ms  ', { aggregation: { kind: 'p', p: 90 }, op: '<', value: 300, unit: 'ms' }],
  ['avg>10ms', { aggregation: { kind: 'avg' }, op: '>', value: 10, unit: 'ms' }],
  ['avg<1.1s', { aggregation: { kind: 'avg' }, op: '<', value: 1100, unit: 's' }],
  ['avg<1h', { aggregation: { kind: 'avg' }, op: '<', value: 3_600_000, unit: 'h' }],
  ['med==250us', { aggregation: { kind: 'med' }, op: '==', value: 0.25, unit: 'us' }],
  ['med<5µs', { aggregation: { kind: 'med' }, op: '<', value: 0.005, unit: 'µs' }],
  ['med<5μs', { aggregation: { kind: 'med' }, op: '<', value: 0.005, unit: 'μs' }],
  ['min===5', { aggregation: { kind: 'min' }, op: '==', value: 5 }],
  ['max!=-3.5', { aggregation: { kind: 'max' }, op: '!=', value: -3.5 }],
  ['max > -0.25ms', { aggregation: { kind: 'max' }, op: '>', value: -0.25, unit: 'ms' }],
  ['count>=100', { aggregation: { kind: 'count' }, op: '>=', value: 100 }],
  ['rate<1%', { aggregation: { kind: 'rate' }, op: '<', value: 0.01, unit: '%' }],
  ['rate<0.5%', { aggregation: { kind: 'rate' }, op: '<', value: 0.005, unit: '%' }],
  ['rate<0.05', { aggregation: { kind: 'rate' }, op: '<', value: 0.05 }],
  ['rate>100/s', { aggregation: { kind: 'rate' }, op: '>', value: 100, unit: '/s' }],
  ['rate > 99.5 /s', { aggregation: { kind: 'rate' }, op: '>', value: 99.5, unit: '/s' }],
  ['value<.5', { aggregation: { kind: 'value' }, op: '<', value: 0.5 }],
  ['value>=80%', { aggregation: { kind: 'value' }, op: '>=', value: 0.8, unit: '%' }],
  ['p(95)<200ms over 10s', { aggregation: { kind: 'p', p: 95 }, op: '<', value: 200, unit: 'ms', windowMs: 10_000 }],
  ['p(95)<200 over 1m30s', { aggregation: { kind: 'p', p: 95 }, op: '<', value: 200, windowMs: 90_000 }],
  ['avg<200over500ms', { aggregation: { kind: 'avg' }, op: '<', value: 200, windowMs: 500 }],
  ['rate<5%  over  2m ', { aggregation: { kind: 'rate' }, op: '<', value: 0.05, unit: '%', windowMs: 120_000 }],
  ['count<10 over 1h2m3s4ms', { aggregation: { kind: 'count' }, op: '<', value: 10, windowMs: 3_723_004 }],
  ['max<1s over 1.5s', { aggregation: { kind: 'max' }, op: '<', value: 1000, unit: 's', windowMs: 1500 }],
]

describe('parseThreshold: valid forms', () => {
  it.each(valid)('%s', (expression, expected) => {
    expect(parseThreshold(expression)).toStrictEqual({ source: expression, ...expected })
  })
})

// [expression, position of the offending character, text the `expected` part must contain]
const invalid: [string, number, string][] = [
  ['', 0, 'an aggregation (p(N), avg, med, min, max, count, rate, value)'],
  ['avgg<1', 0, 'an aggregation'],
  ['P(95)<1', 0, 'an aggregation'],
  ['  <200', 2, 'an aggregation'],
  ['p95<200', 1, "'('"],
  ['p(95<200', 4, "')'"],
  ['p(95.)<200', 4, "')'"],
  ['p()<200', 2, 'a percentile between 0 and 100'],
  ['p(101)<200', 2, 'a percentile between 0 and 100'],
  ['p(-1)<200', 2, 'a percentile between 0 and 100'],
  ['avg 200', 4, 'an operator (< <= > >= == !=)'],
  ['avg=200', 3, 'an operator (< <= > >= == !=)'],
  ['avg=>200', 3, 'an operator'],
  ['avg!200', 3, 'an operator'],
  ['avg<', 4, 'a number'],
  ['avg<<200', 4, 'a number'],
  ['avg< abc', 5, 'a number'],
  ['avg<- 5', 4, 'a number'],
  ['avg<+5', 4, 'a number'],
  ['avg<200xs', 7, 'a unit or end of expression'],
  ['avg<200 x', 8, 'a unit or end of expression'],
  ['avg<200.', 7, 'a unit or end of expression'],
  ['avg<1e3', 5, 'a unit or end of expression'],
  ['avg<200/m', 7, 'a unit or end of expression'],
  ['avg<200MS', 7, 'a unit or end of expression'],
  ['avg<200 5', 8, 'a unit or end of expression'],
  ['avg<200ms ms', 10, '"over <duration>" or end of expression'],
  ['avg<200ms 5', 10, '"over <duration>" or end of expression'],
  ['avg<200 over', 12, 'a duration like 10s, 1m30s or 500ms'],
  ['avg<200 over ten', 13, 'a duration like'],
  ['avg<200 over 0s', 13, 'a duration greater than 0'],
  ['avg<200 over 10', 15, 'a duration unit (h, m, s, ms, us)'],
  ['avg<200 over 10sec', 15, 'a duration unit'],
  ['avg<200 over 30s1m', 17, 'decreasing order'],
  ['avg<200 over 1m1m', 16, 'decreasing order'],
  ['avg<200 over 1m 30s', 16, 'end of expression'],
  ['count<10ms', 8, 'count takes a plain number'],
  ['count<5%', 7, 'count takes a plain number'],
  ['rate<5ms', 6, 'a rate unit (%, /s)'],
  ['p(95)<5%', 7, 'a time unit (us, ms, s, m, h)'],
  ['med<5/s', 5, 'a time unit'],
]

describe('parseThreshold: invalid forms', () => {
  it.each(invalid)('%j fails at %i', (expression, position, expected) => {
    let caught: unknown
    try {
      parseThreshold(expression)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(PerfThresholdSyntaxError)
    const err = caught as PerfThresholdSyntaxError
    expect(err.code).toBe('PERF_THRESHOLD_SYNTAX')
    expect(err.position).toBe(position)
    expect(err.expression).toBe(expression)
    expect(err.message).toContain(`"${expression}"`)
    expect(err.message).toContain(`at position ${position}: expected `)
    expect(err.message.split('\n')[0]).toContain(expected)
    expect(err.message).toContain('Valid forms: p(N)<V')
  })
})

describe('parseMetricKey', () => {
  const validKeys: [string, string, Record<string, string>][] = [
    ['latency', 'latency', {}],
    ['  service_time  ', 'service_time', {}],
    ['db.query-time', 'db.query-time', {}],
    ['latency{step:checkout}', 'latency', { step: 'checkout' }],
    ['db{table:orders,op:insert}', 'db', { table: 'orders', op: 'insert' }],
    [' db { table : orders , op : insert } ', 'db', { table: 'orders', op: 'insert' }],
    ['http{url:http://host:80/a?b=c}', 'http', { url: 'http://host:80/a?b=c' }],
    ['x{label:two words, y: {curly}', 'x', { label: 'two words', y: '{curly' }],
  ]
  it.each(validKeys)('%j', (key, name, tags) => {
    expect(parseMetricKey(key)).toStrictEqual({ name, tags })
  })

  const invalidKeys: [string, number, string][] = [
    ['', 0, 'a metric name'],
    ['{a:b}', 0, 'a metric name'],
    ['9lives', 0, 'a metric name'],
    ['latency x', 8, "'{' or end of metric key"],
    ['latency{', 8, 'a tag name'],
    ['latency{}', 8, 'a tag name'],
    ['latency{step}', 12, "':'"],
    ['latency{step:}', 13, 'a tag value'],
    ['latency{step: ,a:b}', 14, 'a tag value'],
    ['latency{step:a', 14, "',' or '}'"],
    ['latency{a:1,}', 12, 'a tag name'],
    ['latency{a:1,a:2}', 12, 'a tag name not already used'],
    ['latency{a:1}x', 12, 'end of metric key'],
  ]
  it.each(invalidKeys)('rejects %j at %i', (key, position, expected) => {
    expect(() => parseMetricKey(key)).toThrow(PerfThresholdSyntaxError)
    try {
      parseMetricKey(key)
    } catch (err) {
      expect((err as PerfThresholdSyntaxError).position).toBe(position)
      expect((err as Error).message).toContain(`expected ${expected}`)
    }
  })

  it('keeps a tag named __proto__ as an ordinary tag', () => {
    const { tags } = parseMetricKey('m{__proto__:x}')
    expect(Object.keys(tags)).toEqual(['__proto__'])
    expect(metricKey('m', tags)).toBe('m{__proto__:x}')
  })
})

describe('metricKey', () => {
  it.each([
    ['latency', undefined, 'latency'],
    ['latency', {}, 'latency'],
    ['latency', { step: 'checkout' }, 'latency{step:checkout}'],
    ['db', { table: 'orders', op: 'insert' }, 'db{op:insert,table:orders}'],
    ['db', { b: '2', a: '1', B: '3' }, 'db{B:3,a:1,b:2}'],
  ] as [string, Record<string, string> | undefined, string][])('%s %j → %s', (name, tags, key) => {
    expect(metricKey(name, tags)).toBe(key)
  })

  it('is canonical for any tag order when round-tripped through parseMetricKey', () => {
    const a = parseMetricKey('db{table:orders, op:insert}')
    const b = parseMetricKey('db{op:insert,table:orders}')
    expect(metricKey(a.name, a.tags)).toBe(metricKey(b.name, b.tags))
    expect(metricKey(a.name, a.tags)).toBe('db{op:insert,table:orders}')
  })
})
