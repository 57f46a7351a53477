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
  /**
   * Which heap series was used: heap after major GCs (with the full GC at the end) when there
   * are enough; else `bound`: the tightest lower bound of the growth from any sample's heap used
   * to the heap retained after the final full GC (no interval); `heapUsed` when no GC was seen.
   */
  source?: 'heapAfterGc' | 'bound' | 'heapUsed'
}

const MIN_AFTER_GC = 3

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
  const heap = heapFinding(samples, afterGc)
  if (heap) findings.push(heap)
  const rss = theilSen(samples.map((s) => s.t), samples.map((s) => s.rss))
  if (rss) findings.push({ series: 'rss', slope: rss, perMinute: perMinute(rss), unit: 'B' })
  const types = new Set(samples.flatMap((s) => Object.keys(s.handles)))
  for (const type of types) {
    const h = theilSen(samples.map((s) => s.t), samples.map((s) => s.handles[type] ?? 0))
    if (h) findings.push({ series: `handles:${type}`, slope: h, perMinute: perMinute(h), unit: 'handles' })
  }
  return findings
}

function heapFinding(samples: ResourceSample[], afterGc: ResourceSample[]): LeakFinding | undefined {
  if (afterGc.length >= MIN_AFTER_GC) {
    const slope = theilSen(afterGc.map((s) => s.t), afterGc.map((s) => s.heapAfterGc!))
    return slope && { series: 'heap', slope, perMinute: perMinute(slope), unit: 'B', source: 'heapAfterGc' }
  }
  // Too few major GCs (short runs): heap used at any earlier sample is all it could hold live
  // then, so (retained at the end − heap used then) / time is a lower bound of the growth since;
  // the tightest of these bounds is reported, without an interval.
  const last = afterGc.at(-1)
  if (last !== undefined) {
    let perSecond = -Infinity
    for (const s of samples) if (s.t < last.t) perSecond = Math.max(perSecond, (last.heapAfterGc! - s.heapUsed) / (last.t - s.t))
    if (perSecond > -Infinity) {
      const slope = { slope: perSecond, low: perSecond, high: perSecond, points: samples.length }
      return { series: 'heap', slope, perMinute: perMinute(slope), unit: 'B', source: 'bound' }
    }
  }
  const slope = theilSen(samples.map((s) => s.t), samples.map((s) => s.heapUsed))
  return slope && { series: 'heap', slope, perMinute: perMinute(slope), unit: 'B', source: 'heapUsed' }
}

export function formatFinding(f: LeakFinding): string {
  if (f.source === 'bound') {
    const mb = (v: number) => `${(v / 2 ** 20).toFixed(2)}MB`
    return `heap: ${mb(f.perMinute.slope)}/min at least over ${f.slope.points} samples (heap used during the run → retained after a full GC at the end; too few major GCs for an interval)`
  }
  const fmt = (v: number) => (f.unit === 'B' ? `${(v / 2 ** 20).toFixed(2)}MB` : v.toFixed(1))
  return `${f.series}${f.source === 'heapUsed' ? ' (no GC seen: raw heap used)' : ''}: ${fmt(f.perMinute.slope)}/min [95% ${fmt(f.perMinute.low)}, ${fmt(f.perMinute.high)}] over ${f.slope.points} samples`
}
