import type { RunResult, TimelinePoint } from '../core/result.ts'
import { median } from '../core/stats.ts'
import type { FaultWindow } from '../core/result.ts'
import type { FaultImpact } from '../core/result.ts'

export interface RecoveryBounds {
  /** The error rate may exceed the pre-fault one by this much (absolute, default 0.01). */
  errorRate?: number
  /** p95 may be this many times the pre-fault one (default 1.5). */
  p95Factor?: number
}

const rate = (ps: TimelinePoint[]) => {
  const n = ps.reduce((s, p) => s + p.iterations, 0)
  return n ? ps.reduce((s, p) => s + p.errors, 0) / n : 0
}

/**
 * For each fault window: what happened during it, and how long after it the run was back to its
 * pre-fault error rate and p95 (within bounds). Seconds are the timeline's resolution.
 */
export function analyseFaults(timeline: TimelinePoint[], windows: FaultWindow[], bounds: RecoveryBounds = {}): FaultImpact[] {
  const { errorRate: slack = 0.01, p95Factor = 1.5 } = bounds
  return windows.map((w) => {
    const before = timeline.filter((p) => p.t + p.ms / 1000 <= w.start && p.t >= w.start - 5 && p.iterations > 0)
    const during = timeline.filter((p) => p.t < w.end && p.t + p.ms / 1000 > w.start)
    const pre = { errorRate: rate(before), p95: before.length ? median(before.map((p) => p.p95)) : NaN }
    const after = timeline.filter((p) => p.t + p.ms / 1000 > w.end && p.iterations > 0)
    const good = after.find((p) => rate([p]) <= pre.errorRate + slack && (Number.isNaN(pre.p95) || p.p95 <= pre.p95 * p95Factor + 1))
    const recoveryMs = good ? Math.max(0, Math.round((good.t + good.ms / 1000 - w.end) * 1000)) : null
    return {
      ...w,
      iterations: during.reduce((s, p) => s + p.iterations, 0),
      errors: during.reduce((s, p) => s + p.errors, 0),
      before: pre,
      recoveryMs,
    }
  })
}

/** Marks the timeline seconds during which a fault was active. */
export function markTimeline(timeline: TimelinePoint[], windows: FaultWindow[]): void {
  for (const p of timeline) {
    const active = windows.filter((w) => p.t < w.end && p.t + p.ms / 1000 > w.start).map((w) => w.name)
    if (active.length) p.faults = active
  }
}

export type { RunResult }
