import type { RunExtension } from '../engine/extension.ts'
import type { ThresholdDef } from './define.ts'
import { displayUnit, evaluateThreshold, formatValue, thresholdOutcome } from './evaluate.ts'
import { WindowTracker } from './windows.ts'

/**
 * Thresholds as a run extension: windowed ones are fed every closed second, abortOnFail ones are
 * checked every second once their delayAbortEval has passed, and every outcome goes into
 * `result.thresholds` at the end.
 */
export function watchThresholds(defs: ThresholdDef[]): RunExtension {
  const windows = defs.filter((d) => d.parsed.windowMs !== undefined).map((d) => new WindowTracker(d))
  const watched = defs.filter((d) => d.abortOnFail && d.parsed.windowMs === undefined)
  let finished = false
  return {
    second(point, data, run) {
      const elapsed = point.t * 1000 + point.ms
      for (const w of windows) {
        if (w.feed(data) || run.ended) continue
        if (w.def.abortOnFail && elapsed >= w.def.delayAbortEvalMs) {
          run.stop('threshold', `${w.def.metric}: ${w.def.parsed.source} failed in a window ending at ${Math.round(elapsed / 1000)}s`)
        }
      }
      // The run is over: closing the last partial second must not abort it after the fact.
      if (run.ended) return
      const second = point.t + 1
      for (const def of watched) {
        if (second * 1000 < def.delayAbortEvalMs) continue
        const snapshot = run.recorder.snapshot(def.metric)
        const outcome = evaluateThreshold(def, snapshot)
        // No samples yet (slow first iterations) is not a breach worth aborting for.
        if (!outcome.ok && outcome.actual !== null) {
          const actual = formatValue(outcome.actual, displayUnit(snapshot?.type, def.parsed))
          return run.stop('threshold', `${def.metric}: ${def.parsed.source} failed at ${second}s, actual ${actual}`)
        }
      }
    },
    decorate(result, run) {
      if (!finished) for (const w of windows) w.finish()
      finished = true
      const rec = run.recorder
      result.thresholds = defs.map((def) => {
        const tracker = windows.find((w) => w.def === def)
        if (tracker === undefined) return thresholdOutcome(def, evaluateThreshold(def, rec.snapshot(def.metric)))
        const unit = displayUnit(rec.snapshot(def.metric)?.type, def.parsed)
        return {
          metric: def.metric,
          expression: def.parsed.source,
          ok: tracker.failed === 0 && tracker.total > 0,
          actual: tracker.worst,
          ...(unit !== undefined ? { unit } : {}),
          abortOnFail: def.abortOnFail,
          window: { ms: tracker.seconds * 1000, failed: tracker.failed, total: tracker.total, worst: tracker.worst },
          ...(tracker.total === 0 ? { note: 'the run was shorter than half a window' } : {}),
        }
      })
    },
  }
}
