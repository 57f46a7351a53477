import type { RunResult } from '../metrics/result.ts'
import type { ResourceSample } from './sample.ts'
import { theilSen, type Slope } from './trend.ts'

export interface LeakFinding {
  /** heap, rss, or handles:<type>. */
  series: string
  slope: Slope
  /** Units per minute, as limits are written. */
  perMinute: { slope: number; low: number; high: number }
  unit: 'B' | 'handles'
  /** Which heap series was used: after-GC samples when there are enough. */
  source?: 'heapAfterGc' | 'heapUsed'
}

const MIN_AFTER_GC = 5

function perMinute(s: Slope) {
  return { slope: s.slope * 60, low: s.low * 60, high: s.high * 60 }
}

/** Slopes of heap, RSS and each handle type over a run's resource samples. */
export function analyseLeaks(result: Pick<RunResult, 'resources'>): LeakFinding[] {
  // Warm-up (pools filling, JIT, first allocations of the engine) grows the heap once: skip the
  // first 2 s or 10 % of the run, whichever is longer, when enough samples remain.
  const all: ResourceSample[] = result.resources
  const end = all.at(-1)?.t ?? 0
  const warm = all.filter((s) => s.t > Math.max(2, end * 0.1))
  const samples = warm.length >= 5 ? warm : all
  const findings: LeakFinding[] = []
  const afterGc = samples.filter((s) => s.heapAfterGc !== undefined)
  const heapSeries = afterGc.length >= MIN_AFTER_GC ? { source: 'heapAfterGc' as const, points: afterGc.map((s) => [s.t, s.heapAfterGc!] as const) } : { source: 'heapUsed' as const, points: samples.map((s) => [s.t, s.heapUsed] as const) }
  const heap = theilSen(heapSeries.points.map((p) => p[0]), heapSeries.points.map((p) => p[1]))
  if (heap) findings.push({ series: 'heap', slope: heap, perMinute: perMinute(heap), unit: 'B', source: heapSeries.source })
  const rss = theilSen(samples.map((s) => s.t), samples.map((s) => s.rss))
  if (rss) findings.push({ series: 'rss', slope: rss, perMinute: perMinute(rss), unit: 'B' })
  const types = new Set(samples.flatMap((s) => Object.keys(s.handles)))
  for (const type of types) {
    const h = theilSen(samples.map((s) => s.t), samples.map((s) => s.handles[type] ?? 0))
    if (h) findings.push({ series: `handles:${type}`, slope: h, perMinute: perMinute(h), unit: 'handles' })
  }
  return findings
}

export function formatFinding(f: LeakFinding): string {
  const fmt = (v: number) => (f.unit === 'B' ? `${(v / 2 ** 20).toFixed(2)}MB` : v.toFixed(1))
  return `${f.series}${f.source === 'heapUsed' ? ' (no GC seen: raw heap used)' : ''}: ${fmt(f.perMinute.slope)}/min [95% ${fmt(f.perMinute.low)}, ${fmt(f.perMinute.high)}] over ${f.slope.points} samples`
}
