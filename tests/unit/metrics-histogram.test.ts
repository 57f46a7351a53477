import { beforeAll, describe, expect, it } from 'vitest'
import { PerfHistogramError } from '../../src/core/errors.ts'
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  initHistograms,
  mergeEncoded,
  summarize,
  trendStats,
  type Histogram,
} from '../../src/metrics/histogram.ts'

beforeAll(async () => {
  await initHistograms()
})

/** Records `values` (µs) into a fresh histogram. */
function histogramOf(values: number[]): Histogram {
  const h = createHistogram()
  for (const v of values) h.recordValue(v)
  return h
}

function encodedOf(values: number[]): string {
  const h = histogramOf(values)
  try {
    return encodeHistogram(h)
  } finally {
    h.destroy()
  }
}

/** count, p50, p99, max in µs of an encoded histogram. */
function statsOf(encoded: string) {
  const h = decodeHistogram(encoded)
  try {
    return { count: h.totalCount, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), max: h.maxValue }
  } finally {
    h.destroy()
  }
}

// 1..1000 ms in µs, plus a slow tail: percentiles are well separated.
const spread = Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000)
const tail = [5_000_000, 7_500_000, 9_000_000]

describe('histogram encode/decode round trip', () => {
  it.each([
    ['a single value', [42_000]],
    ['1..1000 ms', spread],
    ['1..1000 ms with a tail', [...spread, ...tail]],
    ['sub-millisecond values', [1, 10, 100, 999]],
    ['one hour', [3_600_000_000]],
  ])('%s keeps count and percentiles', (_label, values) => {
    const original = histogramOf(values)
    try {
      const decoded = decodeHistogram(encodeHistogram(original))
      try {
        expect(decoded.totalCount).toBe(values.length)
        for (const p of [0, 50, 90, 99, 99.9, 100]) expect(decoded.getValueAtPercentile(p)).toBe(original.getValueAtPercentile(p))
        // The encoding keeps buckets, not the exact max: it reads back as the top of its bucket (3 digits).
        expect(decoded.maxValue).toBeGreaterThanOrEqual(original.maxValue)
        expect(decoded.maxValue / original.maxValue).toBeLessThan(1.001)
        expect(Math.abs(decoded.mean - original.mean) / original.mean).toBeLessThan(0.001)
      } finally {
        decoded.destroy()
      }
    } finally {
      original.destroy()
    }
  })

  it('an empty histogram round-trips to count 0', () => {
    expect(statsOf(encodedOf([])).count).toBe(0)
  })
})

describe('mergeEncoded', () => {
  it.each([
    ['two disjoint halves', spread.slice(0, 500), spread.slice(500)],
    ['interleaved values', spread.filter((_, i) => i % 2 === 0), spread.filter((_, i) => i % 2 === 1)],
    ['a fast and a slow histogram', spread, tail],
    ['one side empty', spread, []],
  ])('%s equals recording every value into one histogram', (_label, a, b) => {
    const merged = statsOf(mergeEncoded([encodedOf(a), encodedOf(b)]))
    const single = statsOf(encodedOf([...a, ...b]))
    expect(merged).toEqual(single)
    expect(merged.count).toBe(a.length + b.length)
  })

  it('merges more than two histograms and an empty list', () => {
    const parts = [spread.slice(0, 100), spread.slice(100, 700), spread.slice(700)]
    expect(statsOf(mergeEncoded(parts.map(encodedOf)))).toEqual(statsOf(encodedOf(spread)))
    expect(statsOf(mergeEncoded([])).count).toBe(0)
  })

  it('fails with PerfHistogramError when one input is corrupt', () => {
    expect(() => mergeEncoded([encodedOf(spread), 'garbage'])).toThrow(PerfHistogramError)
  })
})

describe('decodeHistogram of garbage', () => {
  it.each([
    ['plain text', 'this is not a histogram'],
    ['valid base64 of random bytes', Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')],
    ['a truncated encoding', encodedOf(spread).slice(0, 12)],
    ['an empty string', ''],
  ])('%s throws PerfHistogramError (PERF_HISTOGRAM_INVALID)', (_label, input) => {
    let thrown: unknown
    try {
      decodeHistogram(input).destroy()
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(PerfHistogramError)
    expect((thrown as PerfHistogramError).code).toBe('PERF_HISTOGRAM_INVALID')
    expect((thrown as PerfHistogramError).message).toMatch(/Could not decode an HDR histogram/)
  })
})

describe('summarize and trendStats', () => {
  it('report milliseconds from microsecond records', () => {
    const h = histogramOf([...spread, ...tail])
    try {
      const s = summarize(h)
      expect(s.count).toBe(1003)
      expect(s.min).toBe(1)
      expect(s.p50).toBeCloseTo(502, 0)
      expect(s.p90).toBeGreaterThan(890)
      expect(s.p90).toBeLessThan(910)
      expect(s.p99).toBeGreaterThan(980)
      expect(s.p99).toBeLessThan(1000.5)
      // 9 000 000 µs = 9 s = 9000 ms (HDR keeps 3 significant digits).
      expect(s.max).toBeGreaterThan(8990)
      expect(s.max).toBeLessThan(9010)
      expect(s.p999).toBeGreaterThan(4990)
      const exactMean = [...spread, ...tail].reduce((a, b) => a + b, 0) / 1003 / 1000
      expect(Math.abs(s.mean - exactMean) / exactMean).toBeLessThan(0.001)
      // Values are rounded to µs precision (3 decimals of ms).
      for (const v of Object.values(s)) expect(Math.round(v * 1000)).toBeCloseTo(v * 1000, 6)
    } finally {
      h.destroy()
    }
  })

  it('a 1500 µs record reads as 1.5 ms', () => {
    const h = histogramOf([1500])
    try {
      const s = summarize(h)
      expect(s.min).toBeCloseTo(1.5, 2)
      expect(s.max).toBeCloseTo(1.5, 2)
      expect(trendStats(h).percentile(50)).toBeCloseTo(1.5, 2)
    } finally {
      h.destroy()
    }
  })

  it('an empty histogram summarises to zeros', () => {
    const h = createHistogram()
    try {
      expect(summarize(h)).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 })
      expect(trendStats(h).percentile(99)).toBe(0)
    } finally {
      h.destroy()
    }
  })
})
