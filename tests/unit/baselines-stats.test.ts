import { describe, expect, it } from 'vitest'
import { bootstrapRelativeChange, mannWhitneyU, median, midranks, normalCdf } from '../../src/core/stats.ts'
import { seededRandom } from '../../src/core/random.ts'

describe('median and midranks', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
  ])('median(%j) = %d', (xs, m) => expect(median(xs)).toBe(m))

  it('gives tied values the mean of their ranks', () => {
    expect(midranks([10, 20, 20, 30])).toEqual({ ranks: [1, 2.5, 2.5, 4], tieSizes: [2] })
  })
})

describe('normalCdf', () => {
  // Reference values of the standard normal CDF (tables, or scipy.stats.norm.cdf).
  it.each([
    [0, 0.5],
    [1, 0.8413447461],
    [-1.959963985, 0.025],
    [2.575829304, 0.995],
    [-3, 0.001349898],
  ])('Φ(%d) = %d', (z, p) => expect(normalCdf(z)).toBeCloseTo(p, 6))
})

describe('mannWhitneyU', () => {
  // Reference outputs of scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='auto').
  it.each([
    // complete separation, 5 vs 5: exact p = 2 / C(10,5) = 2/252
    [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 0, 0.007936507936507936, 'exact'],
    [[6, 7, 8, 9, 10], [1, 2, 3, 4, 5], 25, 0.007936507936507936, 'exact'],
    // 3 vs 3 fully separated: 2/20
    [[1, 2, 3], [4, 5, 6], 0, 0.1, 'exact'],
    // interleaved: U=12 of 25 → p = 1
    [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], 10, 0.6904761904761905, 'exact'],
  ] as const)('%j vs %j → U=%d, p=%d (%s)', (a, b, u, p, method) => {
    const r = mannWhitneyU([...a], [...b])
    expect(r.u).toBe(u)
    expect(r.p).toBeCloseTo(p, 10)
    expect(r.method).toBe(method)
  })

  it('is exact with ties too: the permutation count over the pooled midranks', () => {
    // ranks of pooled [1,2,2,3,4,3,4,5,5,6]: 1, 2.5, 2.5, 4.5, 6.5 | 4.5, 6.5, 8.5, 8.5, 10 → R1 = 17, U1 = 2
    const r = mannWhitneyU([1, 2, 2, 3, 4], [3, 4, 5, 5, 6])
    expect(r.u).toBe(2)
    expect(r.method).toBe('exact')
    const ranks = [1, 2.5, 2.5, 4.5, 6.5, 4.5, 6.5, 8.5, 8.5, 10]
    let extreme = 0
    let total = 0
    const pick = (from: number, left: number, sum: number) => {
      if (left === 0) {
        total++
        if (Math.abs(sum - 15 - 12.5) >= Math.abs(2 - 12.5)) extreme++
        return
      }
      for (let i = from; i <= ranks.length - left; i++) pick(i + 1, left - 1, sum + ranks[i])
    }
    pick(0, 5, 0)
    expect(total).toBe(252)
    expect(r.p).toBeCloseTo(extreme / total, 12)
    // The normal approximation (scipy's, with tie and continuity corrections) said 0.0345.
    expect(r.p).toBeLessThan(0.04)
  })

  it('separates two samples of 5 with ties below 0.01, as without ties', () => {
    // HDR percentiles are rounded, so repetitions tie; a complete separation is still 2/252.
    const r = mannWhitneyU([1, 1, 2, 3, 4], [5, 6, 7, 8, 8])
    expect(r.method).toBe('exact')
    expect(r.p).toBeCloseTo(2 / 252, 12)
  })

  it('exact p-values agree with a brute-force permutation count', () => {
    const a = [1.2, 3.4, 5.1, 2.2]
    const b = [4.4, 6.0, 7.7, 5.5, 8.1]
    const pooled = [...a, ...b]
    const observed = mannWhitneyU(a, b).u
    const extreme = Math.min(observed, a.length * b.length - observed)
    let count = 0
    let total = 0
    const choose = (start: number, picked: number[]) => {
      if (picked.length === a.length) {
        const sa = picked.map((i) => pooled[i])
        const sb = pooled.filter((_, i) => !picked.includes(i))
        const u = mannWhitneyU(sa, sb).u
        total++
        if (Math.min(u, a.length * b.length - u) <= extreme) count++
        return
      }
      for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i])
    }
    choose(0, [])
    expect(mannWhitneyU(a, b).p).toBeCloseTo(count / total, 12)
  })

  it('finds no difference between identical samples', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1)
  })
})

describe('bootstrapRelativeChange', () => {
  it('centres on the change of medians and brackets it', () => {
    const random = seededRandom(7)
    const base = Array.from({ length: 10 }, () => 100 + random() * 4)
    const slower = base.map((v) => v * 1.2)
    const r = bootstrapRelativeChange(base, slower)
    expect(r.estimate).toBeCloseTo(0.2, 2)
    expect(r.low).toBeGreaterThan(0.1)
    expect(r.high).toBeLessThan(0.3)
    expect(r.low).toBeLessThanOrEqual(r.estimate)
    expect(r.high).toBeGreaterThanOrEqual(r.estimate)
  })

  it('is reproducible for a seed', () => {
    expect(bootstrapRelativeChange([1, 2, 3, 4], [2, 3, 4, 5], { seed: 3 })).toEqual(
      bootstrapRelativeChange([1, 2, 3, 4], [2, 3, 4, 5], { seed: 3 }),
    )
  })
})
