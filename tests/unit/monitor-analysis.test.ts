import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/core/random.ts'
import { analyseDegradation } from '../../src/monitor/degradation.ts'
import { analyseLeaks } from '../../src/monitor/leak.ts'
import { parseOptions } from '../../src/config/zod-problems.ts'
import { parseRateLimit } from '../../src/monitor/matchers.ts'
import { leakLimitsSchema } from '../../src/monitor/limits-schema.ts'
import type { ResourceSample } from '../../src/core/resource-sample.ts'
import { theilSen } from '../../src/monitor/trend.ts'
import type { TimelinePoint } from '../../src/core/result.ts'

describe('theilSen', () => {
  it('is exact on a line, with a collapsed interval', () => {
    const t = [0, 1, 2, 3, 4, 5, 6, 7]
    const r = theilSen(
      t,
      t.map((x) => 3 * x + 1),
    )!
    expect(r).toMatchObject({ slope: 3, low: 3, high: 3, points: 8 })
  })

  it('ignores a saw-tooth (GC) and outliers where least squares would not', () => {
    const random = seededRandom(5)
    const t = Array.from({ length: 60 }, (_, i) => i)
    // 1 MB/s growth, a 20 MB saw-tooth every 7 s, two wild outliers.
    const y = t.map((x) => x * 2 ** 20 + (x % 7) * 20 * 2 ** 20 * 0.2 + random() * 2 ** 18)
    y[10] += 500 * 2 ** 20
    y[40] -= 500 * 2 ** 20
    const r = theilSen(t, y)!
    expect(r.slope / 2 ** 20).toBeGreaterThan(0.85)
    expect(r.slope / 2 ** 20).toBeLessThan(1.15)
    expect(r.low).toBeLessThanOrEqual(r.slope)
    expect(r.high).toBeGreaterThanOrEqual(r.slope)
  })

  it('a flat noisy series has an interval around zero', () => {
    const random = seededRandom(9)
    const t = Array.from({ length: 30 }, (_, i) => i)
    const r = theilSen(
      t,
      t.map(() => 100 + random() * 10),
    )!
    expect(r.low).toBeLessThan(0)
    expect(r.high).toBeGreaterThan(0)
  })

  it('needs three points', () => expect(theilSen([0, 1], [1, 2])).toBeUndefined())
})

describe('parseRateLimit', () => {
  it.each([
    ['< 1MB/min', 2 ** 20],
    ['<512KB/s', 512 * 1024 * 60],
    ['< 2/min', 2],
    ['< 60/h', 1],
    ['< 1.5GB/h', (1.5 * 2 ** 30) / 60],
  ])('%s → %d per minute', (text, perMinute) => {
    expect(parseRateLimit(text)).toBeCloseTo(perMinute, 6)
  })

  it.each(['1MB/min', '< 1MB', '< lots/min', '> 1MB/min'])('rejects %s with the form to use', (text) => {
    expect(parseRateLimit(text)).toBeUndefined()
    const checked = parseOptions(leakLimitsSchema, { heap: text }, { prefix: 'toHaveNoLeak' })
    expect(checked.ok ? [] : checked.problems).toEqual([
      { path: 'toHaveNoLeak.heap', message: expect.stringMatching(/write it like '< 1MB\/min'/) },
    ])
  })
})

const sample = (t: number, heap: number, handles: Record<string, number> = {}): ResourceSample => ({
  t,
  cpu: 10,
  rss: 100 * 2 ** 20,
  heapUsed: heap,
  eventLoop: { p50: 1, p99: 2, max: 3, utilization: 0.1 },
  handles,
})

describe('analyseLeaks', () => {
  const limits = { heap: 2 ** 20, handles: 1 }

  it('reports handle growth per minute by type; the heap only from samples taken after a GC', () => {
    const samples = Array.from({ length: 20 }, (_, i) =>
      sample(i + 1, 50 * 2 ** 20 + i * 2 ** 19, { TCPSocketWrap: 2 + i * 3, Timeout: 4 }),
    )
    const findings = analyseLeaks({ resources: samples }, limits)
    expect(findings.find((f) => f.series === 'heap')).toBeUndefined()
    const sockets = findings.find((f) => f.series === 'handles:TCPSocketWrap')!
    expect(sockets.evidence?.kind === 'trend' && sockets.evidence.slope.slope * 60).toBeCloseTo(180, 5)
    expect(sockets.leak).toBe(true)
    expect(findings.find((f) => f.series === 'handles:Timeout')).toMatchObject({ leak: false, evidence: { growth: 0 } })
  })

  it('judges the heap after GC, not the saw-tooth of heap used (results without heapObjects)', () => {
    const samples = Array.from({ length: 10 }, (_, i) => ({ ...sample(i, 2 ** 24 + (i % 3) * 2 ** 24), heapAfterGc: 2 ** 24 }))
    expect(analyseLeaks({ resources: samples }, limits).find((f) => f.series === 'heap')).toMatchObject({
      leak: false,
      evidence: { kind: 'trend', growth: 0 },
    })
  })
})

const point = (t: number, iterations: number, p95: number): TimelinePoint => ({
  t,
  ms: 1000,
  iterations,
  errors: 0,
  dropped: 0,
  throughput: iterations,
  p50: p95 / 2,
  p95,
  p99: p95 * 2,
  vus: 1,
})

describe('analyseDegradation', () => {
  it('compares the last window with the first', () => {
    const timeline = Array.from({ length: 20 }, (_, i) => point(i, i < 10 ? 100 : 80, i < 10 ? 10 : 13))
    const d = analyseDegradation({ timeline })!
    expect(d.throughput.change).toBeCloseTo(-0.2, 6)
    expect(d.p95.change).toBeCloseTo(0.3, 6)
    expect(d.worst).toBeCloseTo(0.3, 6)
    expect(d.windowShare).toBe(0.1)
  })

  it('a steady run has no degradation', () => {
    expect(analyseDegradation({ timeline: Array.from({ length: 10 }, (_, i) => point(i, 100, 10)) })!.worst).toBe(0)
  })
})
