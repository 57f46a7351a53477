import { describe, expect, it } from 'vitest'
import type { BaselineComparison, FaultImpact, RunResult, TimelinePoint } from '../../src/core/result.ts'
import { resolvePerfOptions } from '../../src/plugin/options.ts'
import { annotationMessage, runAnnotation, verdictAtRunEnd } from '../../src/reporters/annotation.ts'
import type { ChartSpec } from '../../src/reporters/html-data.ts'
import { formatTick, niceStep, renderSvgCharts, thin } from '../../src/reporters/svg-chart.ts'
import { fakeResult } from '../helpers/run-result.ts'

function point(t: number, extra: Partial<TimelinePoint> = {}): TimelinePoint {
  return { t, ms: 1000, iterations: 50, errors: 0, dropped: 0, throughput: 50, p50: 12, p95: 30, p99: 70, vus: 2, ...extra }
}

const comparison = (verdict: BaselineComparison['verdict'], severity?: BaselineComparison['severity']): BaselineComparison => ({
  verdict,
  ...(severity ? { severity } : {}),
  metrics: [],
  repetitions: { baseline: 5, current: 5 },
  alpha: 0.05,
  recommendations: [],
  notes: [],
})

describe('the annotation message: the summary row of one run', () => {
  it('has the executor, iterations, throughput, p50/p95/p99, errors and the verdict, on one line', () => {
    const r = fakeResult({
      name: 'orders',
      iterations: 1234,
      failed: 12,
      errors: { count: 12, rate: 12 / 1234, byKind: {} },
      thresholds: [
        { metric: 'latency', expression: 'p(95)<50ms', ok: true, actual: 40 },
        { metric: 'errors', expression: 'rate<0.05', ok: true, actual: 0.01 },
      ],
    })
    expect(annotationMessage(r, 'orders')).toBe(
      'constant-vus · 1,234 iterations · 50.5/s · p50 15.0 ms · p95 40.0 ms · p99 80.0 ms · errors 12 (0.97%) · pass (2 thresholds)',
    )
  })

  it('names the run when it is not the test, and shows dropped iterations and an abort', () => {
    const r = fakeResult({
      name: 'orders #2',
      state: 'aborted',
      dropped: 7,
      abort: { reason: 'threshold', detail: 'p(99)<10ms failed' },
      thresholds: [{ metric: 'latency', expression: 'p(99)<10ms', ok: false, actual: 80, abortOnFail: true }],
    })
    expect(annotationMessage(r, 'orders')).toBe(
      'orders #2: constant-vus · 100 iterations (aborted) · 50.5/s · p50 15.0 ms · p95 40.0 ms · p99 80.0 ms · errors 0 · dropped 7 · FAIL (1 of 1 threshold), aborted: p(99)<10ms failed',
    )
  })

  it('names the scenarios of a run with scenarios', () => {
    const config = { executor: 'scenarios', gracefulStop: 0, scenarios: { browse: {}, checkout: {} } } as unknown as RunResult['config']
    expect(annotationMessage(fakeResult({ config }), 'orders')).toMatch(/^scenarios \(browse, checkout\) · 100 iterations · /)
  })

  it('leaves out latency when nothing finished', () => {
    const r = fakeResult({ iterations: 0, throughput: 0, latency: { ...fakeResult().latency, count: 0 } })
    expect(annotationMessage(r, 'orders')).toBe('constant-vus · 0 iterations · 0.0/s · errors 0 · no thresholds')
  })

  it.each([
    [[], undefined, 'no thresholds'],
    [[true, false, false], undefined, 'FAIL (2 of 3 thresholds)'],
    [[true], comparison('REGRESSION', 'major'), 'pass (1 threshold), baseline REGRESSION (major)'],
    [[], comparison('IMPROVEMENT'), 'no thresholds, baseline IMPROVEMENT'],
  ])('verdict at the end of the run: thresholds %j, baseline %j → %s', (oks, baseline, text) => {
    const thresholds = oks.map((ok) => ({ metric: 'latency', expression: 'p(95)<1ms', ok, actual: 1 }))
    expect(verdictAtRunEnd(fakeResult({ thresholds, ...(baseline ? { baseline } : {}) }))).toBe(text)
  })
})

describe('the annotation image', () => {
  it('is an SVG of latency over time and throughput, drawn from the HTML report’s chart specs', () => {
    const { svg } = runAnnotation(fakeResult({ timeline: [point(0), point(1, { p99: 140 }), point(2, { ms: 500 })] }), 'orders')
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="366"/)
    expect(svg).toContain('>Latency over time</text>')
    expect(svg).toContain('>Throughput and errors</text>')
    expect(svg).not.toContain('VUs and dropped')
    // p50, p95, p99, iterations/s, errors/s: one path each, in the report's colours.
    expect(svg!.match(/<path /g)).toHaveLength(5)
    for (const colour of ['#2563eb', '#d97706', '#dc2626', '#059669']) expect(svg).toContain(`stroke="${colour}"`)
    // Steps: each value holds until the next second; the run ended at 2.5 s.
    expect(svg).toMatch(/<text [^>]*>2\.5s<\/text>|<text [^>]*>2s<\/text>/)
  })

  it('is left out when the run has no timeline, the message stays', () => {
    expect(runAnnotation(fakeResult({ timeline: [] }), 'orders')).toEqual({ message: expect.stringContaining('50.5/s') })
  })

  it('shades fault windows with their names', () => {
    const fault = { name: 'latency +40 ms', start: 1, end: 2, iterations: 0, errors: 0, before: { errorRate: 0, p95: 1 }, recoveryMs: 0 }
    const { svg } = runAnnotation(fakeResult({ timeline: [point(0), point(1), point(2)], faults: [fault as FaultImpact] }), 'orders')
    expect(svg!.match(/fill-opacity="0\.1"/g)).toHaveLength(2)
    expect(svg).toContain('>latency +40 ms</text>')
  })

  it('escapes every text that comes from users, so it can run nothing when opened as a document', () => {
    const evil = '</text><script>alert(1)</script><a href="javascript:x">'
    const fault = { name: evil, start: 0, end: 1, iterations: 0, errors: 0, before: { errorRate: 0, p95: 1 }, recoveryMs: 0 }
    const { svg } = runAnnotation(fakeResult({ name: evil, timeline: [point(0), point(1)], faults: [fault as FaultImpact] }), 'orders')
    expect(svg).not.toMatch(/<script|<a |="javascript:/i)
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('breaks the line at a second without latency instead of drawing 0', () => {
    const spec: ChartSpec = {
      id: 'c',
      title: 't',
      kind: 'time',
      stepped: true,
      x: [0, 1, 2, 3],
      series: [{ label: 'p50', values: [5, null, 5, 5], color: '#2563eb' }],
      units: ['ms'],
      faults: [],
    }
    const d = /<path d="([^"]+)"/.exec(renderSvgCharts('r', [spec]))![1]
    expect(d.match(/M/g)).toHaveLength(2)
  })
})

describe('chart helpers', () => {
  it.each([
    [0, 1],
    [1, 0.5],
    [7, 2],
    [100, 50],
    [0.03, 0.01],
  ])('niceStep(%d, 4) = %d', (max, step) => {
    expect(niceStep(max, 4)).toBeCloseTo(step, 10)
  })

  it.each([
    [0, 'ms', 50, '0 ms'],
    [150, 'ms', 50, '150 ms'],
    [0.25, 'ms', 0.05, '0.25 ms'],
    [3000, 'ms', 1000, '3 s'],
    [1500, 'ms', 500, '1.5 s'],
    [40, '/s', 20, '40/s'],
    [0.5, '/s', 0.1, '0.5/s'],
    [7, '', 1, '7'],
  ])('axis label of %d %s with a step of %d: %s', (v, unit, step, text) => {
    expect(formatTick(v, unit, step)).toBe(text)
  })

  it('thins a long timeline to each bucket’s extremes, in order, keeping gaps as null', () => {
    const x = Array.from({ length: 15 }, (_, i) => i)
    const values = [1, 9, 2, 3, null, null, 4, 0, 5, 5, null, null, null, null, null]
    // 6 points at most: 3 buckets of 5, each its first x, its middle x, its low and high in their order.
    expect(thin(x, [values], 6)).toEqual({ x: [0, 2, 5, 7, 10, 12], series: [[1, 9, 0, 5, null, null]] })
    expect(thin(x, [values], 100)).toEqual({ x, series: [values] })
  })
})

describe('perf({ annotate })', () => {
  it('is on by default; false turns it off; anything else is refused', () => {
    expect(resolvePerfOptions({}).annotate).toBe(true)
    expect(resolvePerfOptions({ annotate: false }).annotate).toBe(false)
    expect(() => resolvePerfOptions({ annotate: 'no' })).toThrow(/perf\(\)\.annotate: /)
  })
})
