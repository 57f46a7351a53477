import { describe, expect, it } from 'vitest'
import { compareRepetitions, defaultMetrics, levelVerdict } from '../../src/baselines/compare.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { formatComparison, formatComparisonMarkdown } from '../../src/baselines/format.ts'
import { seededRandom } from '../../src/core/random.ts'

const random = seededRandom(11)
const noisy = (v: number, spread = 0.02) => v * (1 + (random() - 0.5) * 2 * spread)

function rep(p50: number, p99 = p50 * 3, throughput = 1000, errorRate = 0): RepetitionSummary {
  const s = { count: 1000, min: p50 / 2, mean: p50 * 1.2, p50, p90: p50 * 2, p95: p50 * 2.5, p99, p999: p99 * 1.5, max: p99 * 2 }
  return {
    iterations: 1000,
    durationMs: 1000,
    throughput,
    errorRate,
    dropped: 0,
    latency: s,
    serviceTime: s,
    histograms: { latency: '', serviceTime: '' },
  }
}
const reps = (n: number, f: () => RepetitionSummary) => Array.from({ length: n }, f)

describe('compareRepetitions', () => {
  it('PASS when nothing changed beyond noise', () => {
    const c = compareRepetitions(
      reps(5, () => rep(noisy(10))),
      reps(5, () => rep(noisy(10))),
      'constant-arrival-rate',
    )
    expect(c.verdict).toBe('PASS')
    expect(c.metrics.map((m) => m.metric)).toEqual(['latency.p50', 'latency.p95', 'latency.p99', 'errorRate'])
  })

  it.each([
    [1.07, 'minor'],
    [1.15, 'major'],
    [1.4, 'critical'],
  ])('a significant slowdown ×%d is a %s REGRESSION', (factor, severity) => {
    const c = compareRepetitions(
      reps(5, () => rep(noisy(10, 0.005))),
      reps(5, () => rep(noisy(10 * factor, 0.005))),
      'constant-vus',
    )
    expect(c.verdict).toBe('REGRESSION')
    expect(c.severity).toBe(severity)
    const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!
    expect(p50.change).toBeCloseTo(factor - 1, 1)
    expect(p50.interval.low).toBeLessThanOrEqual(p50.change)
    expect(p50.interval.high).toBeGreaterThanOrEqual(p50.change)
    expect(c.recommendations.join(' ')).toMatch(/all percentiles moved together/)
  })

  it('a tail-only regression recommends looking at tail causes', () => {
    const c = compareRepetitions(
      reps(6, () => rep(noisy(10, 0.005), noisy(30, 0.005))),
      reps(6, () => rep(noisy(10, 0.005), noisy(45, 0.005))),
      'constant-arrival-rate',
    )
    expect(c.verdict).toBe('REGRESSION')
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.verdict).toBe('PASS')
    expect(c.recommendations.join(' ')).toMatch(/tail moved but the median did not: .*GC pauses, lock waits/)
  })

  it('IMPROVEMENT when significantly faster', () => {
    expect(
      compareRepetitions(
        reps(5, () => rep(noisy(10, 0.005))),
        reps(5, () => rep(noisy(7, 0.005))),
        'constant-arrival-rate',
      ).verdict,
    ).toBe('IMPROVEMENT')
  })

  it('INCONCLUSIVE when a large change is not significant (too few repetitions), with a note', () => {
    const c = compareRepetitions([rep(10)], [rep(13)], 'constant-arrival-rate')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.notes.join(' ')).toMatch(/only 1 repetition .* use run\(…, \{ repeat: 5 \}\)/)
  })

  it('judges throughput for closed models only, lower being worse', () => {
    expect(defaultMetrics('constant-arrival-rate')).not.toContain('throughput')
    const c = compareRepetitions(
      reps(5, () => rep(10, 30, noisy(1000, 0.005))),
      reps(5, () => rep(10, 30, noisy(800, 0.005))),
      'constant-vus',
    )
    expect(c.metrics.find((m) => m.metric === 'throughput')).toMatchObject({ verdict: 'REGRESSION', severity: 'major' })
  })

  it('error rates compare in percentage points, not ratios', () => {
    const c = compareRepetitions(
      reps(5, () => rep(10, 30, 1000, 0)),
      reps(5, () => rep(10, 30, 1000, noisy(0.06, 0.01))),
      'constant-arrival-rate',
    )
    const e = c.metrics.find((m) => m.metric === 'errorRate')!
    expect(e).toMatchObject({ verdict: 'REGRESSION', severity: 'major', absolute: true })
    expect(e.change).toBeCloseTo(0.06, 2)
  })

  it('per-metric severity levels override the defaults', () => {
    const c = compareRepetitions(
      reps(5, () => rep(noisy(10, 0.005))),
      reps(5, () => rep(noisy(11.5, 0.005))),
      'constant-arrival-rate',
      { metrics: { 'latency.p50': { floor: 0.2, minor: 0.25 } } },
    )
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.verdict).toBe('PASS')
  })

  it('normalises latencies by a scale factor', () => {
    const c = compareRepetitions(
      reps(5, () => rep(noisy(10, 0.005))),
      reps(5, () => rep(noisy(13, 0.005))),
      'constant-arrival-rate',
      { latencyScale: 1.3 },
    )
    expect(c.verdict).toBe('PASS')
  })

  it('formats a table and Markdown with interval, p, noise, detectable change and verdict', () => {
    const c = compareRepetitions(
      reps(5, () => rep(noisy(10, 0.005))),
      reps(5, () => rep(noisy(12, 0.005))),
      'constant-arrival-rate',
    )
    const text = formatComparison(c, 'against "x"')
    expect(text).toMatch(/^REGRESSION \(major\) against "x" \(5 vs 5 repetitions, alpha 0\.01\)/)
    expect(text).toMatch(
      /latency\.p50\s+\d+\.\d+ms\s+\d+\.\d+ms\s+\+\d+\.\d%\s+\[\+\d+\.\d%, \+\d+\.\d%\]\s+0\.008\s+\d+\.\d%\s+\d+\.\d%\s+REGRESSION \(major\)/,
    )
    expect(formatComparisonMarkdown(c, 'x')).toMatch(
      /\| metric \| baseline \| current \| change \| 95% interval \| p \| noise \| detectable \| verdict \|/,
    )
  })
})

describe('severity comes from the end of the interval nearest zero (as docs/baselines.md says)', () => {
  const levels = { floor: 0.02, minor: 0.05, major: 0.1, critical: 0.25 }
  it.each([
    [0.073, { low: 0.03, high: 0.223 }, 'minor'],
    [0.3, { low: 0.12, high: 0.5 }, 'major'],
    [0.4, { low: 0.26, high: 0.55 }, 'critical'],
  ] as const)('change %d with interval %j → REGRESSION (%s)', (change, interval, severity) => {
    expect(levelVerdict(change, interval, true, true, levels)).toEqual({ verdict: 'REGRESSION', severity })
  })

  it('an interval reaching into the noise floor is INCONCLUSIVE, whatever the median', () => {
    expect(levelVerdict(0.073, { low: 0.01, high: 0.2 }, true, true, levels)).toEqual({ verdict: 'INCONCLUSIVE' })
  })
})
