import * as hdr from 'hdr-histogram-js'
import type { Histogram } from 'hdr-histogram-js'
import { PerfHistogramError } from '../core/errors.ts'
import type { TrendStats } from '../core/metric-snapshot.ts'
import type { LatencySummary } from '../core/result.ts'

export type { Histogram }

// Values are recorded in microseconds; one hour is the highest value kept exactly.
const HIGHEST_US = 3_600_000_000
const BIT_BUCKETS = 64
let wasm = false

/** Loads the WebAssembly histograms (≈4× faster records); JS histograms are the fallback. */
export async function initHistograms(): Promise<void> {
  if (wasm) return
  try {
    await hdr.initWebAssembly()
    wasm = true
  } catch {
    wasm = false
  }
}

export function usingWebAssembly(): boolean {
  return wasm
}

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKETS,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: wasm,
  })
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h)
}

export function decodeHistogram(encoded: string): Histogram {
  try {
    return hdr.decodeFromCompressedBase64(encoded, BIT_BUCKETS, wasm)
  } catch (cause) {
    throw new PerfHistogramError(
      `Could not decode an HDR histogram (${String(cause)}). The result or baseline file holding it is corrupt or was edited by hand; re-run the test to record it again.`,
    )
  }
}

/** Merges encoded histograms (from workers, repetitions or drivers) into one encoded histogram. */
export function mergeEncoded(encoded: string[]): string {
  const total = createHistogram()
  try {
    for (const e of encoded) {
      const h = decodeHistogram(e)
      total.add(h)
      h.destroy()
    }
    return encodeHistogram(total)
  } finally {
    total.destroy()
  }
}

/** Statistics in milliseconds over a histogram recorded in microseconds. */
export function trendStats(h: Histogram): TrendStats {
  const count = h.totalCount
  return {
    count,
    percentile: (p) => (count === 0 ? 0 : h.getValueAtPercentile(p) / 1000),
    mean: count === 0 ? 0 : h.mean / 1000,
    min: count === 0 ? 0 : h.getValueAtPercentile(0) / 1000,
    max: count === 0 ? 0 : h.maxValue / 1000,
  }
}

export function summarize(h: Histogram): LatencySummary {
  const s = trendStats(h)
  const round = (v: number) => Math.round(v * 1000) / 1000
  return {
    count: s.count,
    min: round(s.min),
    mean: round(s.mean),
    p50: round(s.percentile(50)),
    p90: round(s.percentile(90)),
    p95: round(s.percentile(95)),
    p99: round(s.percentile(99)),
    p999: round(s.percentile(99.9)),
    max: round(s.max),
  }
}
