import type { RunResult, TimelinePoint } from '../metrics/result.ts'
import { median } from '../baselines/stats.ts'

export interface Degradation {
  /** Share of the run in each compared window (first vs last). */
  windowShare: number
  throughput: { first: number; last: number; change: number }
  p95: { first: number; last: number; change: number }
  /** The worse of the throughput drop and the p95 rise, as a fraction (0.12 = 12 % worse). */
  worst: number
}

/**
 * Throughput and p95 of the last window against the first (each `share` of the run's whole
 * seconds, at least one second): what "performance degraded over 24 h" means.
 */
export function analyseDegradation(result: Pick<RunResult, 'timeline'>, share = 0.1): Degradation | undefined {
  const whole = result.timeline.filter((p) => p.ms >= 1000)
  if (whole.length < 2) return undefined
  const size = Math.max(1, Math.floor(whole.length * share))
  const first = whole.slice(0, size)
  const last = whole.slice(-size)
  const tp = (ps: TimelinePoint[]) => ps.reduce((s, p) => s + p.iterations, 0) / ps.reduce((s, p) => s + p.ms / 1000, 0)
  const p95 = (ps: TimelinePoint[]) => median(ps.filter((p) => p.iterations > 0).map((p) => p.p95))
  const t1 = tp(first)
  const t2 = tp(last)
  const l1 = p95(first)
  const l2 = p95(last)
  const tChange = t1 > 0 ? t2 / t1 - 1 : 0
  const lChange = l1 > 0 ? l2 / l1 - 1 : 0
  return {
    windowShare: size / whole.length,
    throughput: { first: t1, last: t2, change: tChange },
    p95: { first: l1, last: l2, change: lChange },
    worst: Math.max(-tChange, lChange, 0),
  }
}
