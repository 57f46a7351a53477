import { describe, expect, it } from 'vitest'
import { compareRepetitions } from '../../src/baselines/compare.ts'
import { comparePaired, minimumPairs } from '../../src/baselines/paired.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { seededRandom } from '../../src/core/random.ts'

const random = seededRandom(7)
const noisy = (v: number, spread = 0.01) => v * (1 + (random() - 0.5) * 2 * spread)

function rep(p50: number, throughput = 1000, errorRate = 0): RepetitionSummary {
  const s = { count: 1000, min: p50 / 2, mean: p50 * 1.2, p50, p90: p50 * 2, p95: p50 * 2.5, p99: p50 * 3, p999: p50 * 4, max: p50 * 5 }
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

/** n pairs on a machine that slows down by up to 40 % over the comparison: both sides of a pair see the same state. */
function drifting(n: number, factor: number): { base: RepetitionSummary[]; head: RepetitionSummary[] } {
  const drift = (i: number) => 1 + (0.4 * i) / n
  return {
    base: Array.from({ length: n }, (_, i) => rep(noisy(10 * drift(i)), noisy(1000 / drift(i)))),
    head: Array.from({ length: n }, (_, i) => rep(noisy(10 * drift(i) * factor), noisy(1000 / drift(i) / factor))),
  }
}

describe('comparePaired', () => {
  it.each([
    [0.01, 8],
    [0.05, 6],
    [0.1, 5],
  ])('alpha %d needs %d pairs at least', (alpha, n) => expect(minimumPairs(alpha)).toBe(n))

  it('PASSes the same code under drift', () => {
    const { base, head } = drifting(8, 1)
    expect(comparePaired(base, head, 'constant-vus').verdict).toBe('PASS')
  })

  it('finds 10 % under drift that an unpaired comparison cannot judge', () => {
    const { base, head } = drifting(8, 1.1)
    expect(comparePaired(base, head, 'constant-vus').verdict).toBe('REGRESSION')
    expect(compareRepetitions(base, head, 'constant-vus').verdict).toBe('INCONCLUSIVE')
  })

  it('finds 30 % more cost per iteration under the same drift as a REGRESSION', () => {
    const { base, head } = drifting(8, 1.3)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.verdict).toBe('REGRESSION')
    expect(c.severity).toMatch(/major|critical/)
    const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!
    expect(p50.change).toBeCloseTo(0.3, 1)
    expect(p50.p).toBeCloseTo(2 / 256, 10)
    expect(p50.interval.low).toBeGreaterThan(0.2)
    expect(c.metrics.find((m) => m.metric === 'throughput')!.verdict).toBe('REGRESSION')
    expect(c.repetitions).toEqual({ baseline: 8, current: 8 })
    expect(c.notes).toEqual([])
  })

  it('finds an improvement', () => {
    const { base, head } = drifting(8, 0.8)
    expect(comparePaired(base, head, 'constant-vus').verdict).toBe('IMPROVEMENT')
  })

  it('cannot be significant with fewer pairs than alpha allows, and says so', () => {
    const { base, head } = drifting(6, 1.3)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.notes[0]).toMatch(/only 6 pairs: with fewer than 8 no change can be significant at alpha 0.01/)
    expect(comparePaired(base, head, 'constant-vus', { alpha: 0.05 }).verdict).toBe('REGRESSION')
  })

  it('pairs by index and notes repetitions left unpaired', () => {
    const { base, head } = drifting(9, 1)
    const c = comparePaired(base, head.slice(0, 8), 'constant-arrival-rate')
    expect(c.repetitions).toEqual({ baseline: 8, current: 8 })
    expect(c.notes.join('\n')).toMatch(/9 repetitions of the base and 8 of the head: only the first 8 of each are paired/)
    expect(c.metrics.map((m) => m.metric)).toEqual(['latency.p50', 'latency.p95', 'latency.p99', 'errorRate'])
  })

  it('judges the error rate by its difference in percentage points', () => {
    const base = Array.from({ length: 8 }, () => rep(noisy(10), 1000, 0))
    const head = Array.from({ length: 8 }, (_, i) => rep(noisy(10), 1000, 0.05 + i * 0.001))
    const errors = comparePaired(base, head, 'constant-vus').metrics.find((m) => m.metric === 'errorRate')!
    expect(errors).toMatchObject({ verdict: 'REGRESSION', absolute: true })
    expect(errors.change).toBeCloseTo(0.0535, 3)
  })
})
