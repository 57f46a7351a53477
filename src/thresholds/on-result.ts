import { ResultSnapshots } from '../metrics/result-snapshot.ts'
import type { RunResult, TimelinePoint } from '../core/result.ts'
import type { MetricSnapshot } from '../core/metric-snapshot.ts'
import { windowCounts } from './windows.ts'
import type { ThresholdDef } from './define.ts'
import { displayUnit, evaluateThreshold, thresholdOutcome } from './evaluate.ts'
import { type ThresholdOutcome } from '../core/result.ts'

/** Metrics whose windows can be rebuilt from the per-second timeline after the run. */
export const TIMELINE_WINDOW_METRICS = new Set(['errors', 'iterations', 'dropped', 'throughput'])

/** Evaluates thresholds against a finished result (expectPerformance, CLI, baselines). */
export function evaluateOnResult(result: RunResult, defs: ThresholdDef[]): ThresholdOutcome[] {
  const snapshots = new ResultSnapshots(result)
  try {
    return defs.map((def) => {
      if (def.parsed.windowMs === undefined) return thresholdOutcome(def, evaluateThreshold(def, snapshots.get(def.metric)))
      const unit = displayUnit(snapshots.get(def.metric)?.type, def.parsed)
      return {
        metric: def.metric,
        expression: def.parsed.source,
        ...(unit !== undefined ? { unit } : {}),
        ...evaluateWindows(def, result.timeline),
      }
    })
  } finally {
    snapshots.dispose()
  }
}

function evaluateWindows(def: ThresholdDef, timeline: TimelinePoint[]): Omit<ThresholdOutcome, 'metric' | 'expression'> {
  const seconds = Math.max(1, Math.round((def.parsed.windowMs ?? 1000) / 1000))
  let failed = 0
  let total = 0
  let worst: number | null = null
  const lower = def.parsed.op === '<' || def.parsed.op === '<='
  for (let i = 0; i < timeline.length; i += seconds) {
    const points = timeline.slice(i, i + seconds)
    // As during the run: a partial last window counts when it covers at least half a window.
    if (points.reduce((s, p) => s + p.ms, 0) * 2 < seconds * 1000 && total > 0) break
    const outcome = evaluateThreshold(def, windowSnapshot(def.metric, points))
    total++
    if (!outcome.ok) {
      failed++
      if (outcome.actual !== null && (worst === null || (lower ? outcome.actual > worst : outcome.actual < worst))) worst = outcome.actual
    }
  }
  return { ok: failed === 0 && total > 0, actual: worst, window: { ms: seconds * 1000, failed, total, worst } }
}

function windowSnapshot(metric: string, points: TimelinePoint[]): MetricSnapshot {
  const sum = (f: (p: TimelinePoint) => number) => points.reduce((s, p) => s + f(p), 0)
  const tps = points.map((p) => p.throughput)
  return windowCounts(metric, {
    iterations: sum((p) => p.iterations),
    errors: sum((p) => p.errors),
    dropped: sum((p) => p.dropped),
    ms: sum((p) => p.ms),
    minTp: Math.min(...tps),
    maxTp: Math.max(...tps),
  })
}
