import { describe, expect, it } from 'vitest'
import { bootstrapMedian, wilcoxonSignedRank } from '../../src/core/stats.ts'

describe('wilcoxonSignedRank', () => {
  // Worked by hand (p = the share of the 2^n sign flips at least as far from n(n+1)/4 as W+),
  // and scipy.stats.wilcoxon(d) for Darwin's maize data (its documentation's example).
  it.each([
    ['6 positive: the smallest p of 6 pairs is 2/2^6', [1, 2, 3, 4, 5, 6], 21, 6, 0.03125],
    ['8 positive: 2/2^8, the first n below 0.01', [1, 2, 3, 4, 5, 6, 7, 8], 36, 8, 0.0078125],
    [
      'Darwin (scipy: statistic 24 = W-, p 0.041259765625)',
      [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75],
      96,
      15,
      0.041259765625,
    ],
    ['one negative of 5: W- = 2, P(W- ≤ 2) = 3/32, two-sided 6/32', [1, -2, 3, 4, 5], 13, 5, 0.1875],
    ['ties: midranks 2,2,2,4; W+ ∈ {0,2,8,10} in 8 of 16 flips', [1, 1, -1, 2], 8, 4, 0.5],
    ['zeros dropped: 3 positive left, 2/2^3', [0, 0, 1, 2, 3], 6, 3, 0.25],
    ['ties and signs mixed (12 of 128 flips)', [0.1, -0.2, 0.3, 0.3, -0.05, 0.4, 0.5], 24, 7, 0.09375],
  ] as const)('%s', (_, d, w, n, p) => {
    const r = wilcoxonSignedRank([...d])
    expect(r).toMatchObject({ w, n, method: 'exact' })
    expect(r.p).toBeCloseTo(p, 12)
  })

  it('is symmetric in the sign of the differences', () => {
    const d = [0.3, -0.1, 0.25, 0.4, 0.05, 0.2]
    expect(wilcoxonSignedRank(d.map((x) => -x)).p).toBeCloseTo(wilcoxonSignedRank(d).p, 12)
  })

  it('gives p = 1 with no difference at all', () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ w: 0, n: 0, p: 1, method: 'exact' })
    expect(wilcoxonSignedRank([])).toMatchObject({ p: 1 })
  })

  it('uses the normal approximation beyond 50 pairs', () => {
    const shifted = Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? -1 : 1) * (i + 1))
    const r = wilcoxonSignedRank(shifted)
    expect(r.method).toBe('normal')
    expect(r.p).toBeLessThan(0.01)
    expect(wilcoxonSignedRank(Array.from({ length: 60 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1))).p).toBeGreaterThan(0.5)
  })
})

describe('bootstrapMedian', () => {
  it('brackets the median and is reproducible for a seed', () => {
    const values = [0.28, 0.3, 0.26, 0.31, 0.29, 0.27, 0.3, 0.25]
    const a = bootstrapMedian(values)
    expect(a.estimate).toBeCloseTo(0.285, 12)
    expect(a.low).toBeGreaterThanOrEqual(0.25)
    expect(a.low).toBeLessThanOrEqual(a.estimate)
    expect(a.high).toBeGreaterThanOrEqual(a.estimate)
    expect(a.high).toBeLessThanOrEqual(0.31)
    expect(bootstrapMedian(values)).toEqual(a)
  })
})
