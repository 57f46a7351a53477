import type { RunResult, TimelinePoint } from '../core/result.ts'
import { median } from '../core/stats.ts'

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

/**
 * A watched process's CPU time per iteration (ms), last window against the first: the process
 * under test doing more work per request as the run goes on.
 */
export function analyseProcessDegradation(
  result: Pick<RunResult, 'timeline' | 'resources'>,
  name: string,
  share = 0.1,
): { first: number; last: number; change: number; windowShare: number } | undefined {
  const whole = result.timeline.filter((p) => p.ms >= 1000)
  if (whole.length < 2) return undefined
  const size = Math.max(1, Math.floor(whole.length * share))
  const perIteration = (points: TimelinePoint[]) => {
    const from = points[0].t
    const to = points.at(-1)!.t + 1
    // A sample at t covers the second before it.
    const cpuMs = result.resources.filter((s) => s.t > from && s.t <= to).reduce((sum, s) => sum + (s.servers?.[name]?.cpu ?? 0) * 10, 0)
    const iterations = points.reduce((sum, p) => sum + p.iterations, 0)
    return iterations > 0 ? cpuMs / iterations : NaN
  }
  const first = perIteration(whole.slice(0, size))
  const last = perIteration(whole.slice(-size))
  if (!Number.isFinite(first) || !Number.isFinite(last) || first <= 0) return undefined
  return { first, last, change: last / first - 1, windowShare: size / whole.length }
}
