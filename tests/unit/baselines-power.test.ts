import { describe, expect, it } from 'vitest'
import { detectableChange, repetitionsNeeded, smallestP } from '../../src/baselines/power.ts'
import { normalQuantile, robustCv, robustSpread } from '../../src/core/stats.ts'

describe('power of a comparison (worked values)', () => {
  it.each([
    [0.5, 0],
    [0.8, 0.8416],
    [0.975, 1.96],
    [0.995, 2.5758],
  ])('normalQuantile(%d) = %d', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 4)
  })

  it('robust CV is 1.4826 × MAD / median, unmoved by one outlier', () => {
    // median 10, absolute deviations 0 1 1 0 20 → MAD 1
    expect(robustCv([10, 11, 9, 10, 30])).toBeCloseTo(0.14826, 5)
    expect(robustSpread([0.01, 0.02, 0.01, 0.03, 0.01])).toBeCloseTo(0, 10)
    expect(robustCv([5])).toBeNaN()
  })

  it('the smallest p of the exact rank test: 2 / C(n1 + n2, n1)', () => {
    expect(smallestP(5, 5)).toBeCloseTo(2 / 252, 10)
    expect(smallestP(4, 4)).toBeCloseTo(2 / 70, 10)
  })

  it.each([
    // (2.5758 + 0.8416) · 0.05 · √(1/5 + 1/5) / √(3/π) = 0.1106
    [0.05, 5, 5, 0.1106],
    [0.05, 10, 10, 0.0782],
    [0.02, 5, 5, 0.0442],
    // 4 against 4 cannot reach p < 0.01 at all
    [0.05, 4, 4, Infinity],
  ])('noise %d with %d vs %d repetitions detects changes from %d at alpha 0.01', (noise, n1, n2, change) => {
    const d = detectableChange(noise, n1, n2, 0.01)
    if (change === Infinity) expect(d).toBe(Infinity)
    else expect(d).toBeCloseTo(change, 4)
  })

  it.each([
    // 2 · (3.4174 · 0.05)² / (0.1² · 3/π) = 6.11 → 7 a side
    [0.05, 0.1, 7],
    // 2 · (3.4174 · 0.2)² / (0.01 · 0.955) = 97.8 → 98
    [0.2, 0.1, 98],
    // tiny noise: still the 5 a side the rank test needs to reach 0.01
    [0.01, 0.1, 5],
  ])('noise %d needs %d… repetitions a side for a %d change', (noise, target, n) => {
    expect(repetitionsNeeded(noise, target, 0.01)).toBe(n)
  })
})
