import { describe, expect, it } from 'vitest'
import { bootstrapMedian, median, resampledMedians } from '../../src/core/stats.ts'
import { seededRandom } from '../../src/core/random.ts'

/** What resampledMedians() replaces: copy a resample, sort it, take its median. */
function naive(values: number[], random: () => number): () => number {
  return () => median(values.map(() => values[Math.floor(random() * values.length)]))
}

describe('resampledMedians', () => {
  const data = seededRandom(17)
  const cases = Array.from({ length: 60 }, (_, i) => {
    const n = 1 + (i % 25)
    // Every other case rounds to a few values: HDR percentiles tie often.
    return Array.from({ length: n }, () => (i % 2 ? Math.round(data() * 4) / 2 : data() * 100))
  })

  it.each(cases.map((values, i) => [i, values.length, values] as const))(
    'case %i (%i values): the same medians, in the same order',
    (i, _, values) => {
      const fast = resampledMedians(values, seededRandom(i))
      const slow = naive(values, seededRandom(i))
      for (let k = 0; k < 200; k++) expect(fast()).toBe(slow())
    },
  )

  it('draws nothing from an empty sample', () => {
    let calls = 0
    expect(resampledMedians([], () => (calls++, 0.5))()).toBeNaN()
    expect(calls).toBe(0)
  })

  it('keeps bootstrapMedian where it was: the interval of a known sample', () => {
    const values = [0.1, 0.12, 0.09, 0.15, 0.11, 0.1, 0.13, 0.08]
    const random = seededRandom(42)
    const medians = Array.from({ length: 2000 }, naive(values, random)).sort((a, b) => a - b)
    expect(bootstrapMedian(values)).toEqual({ estimate: median(values), low: medians[50], high: medians[1950] })
  })
})
