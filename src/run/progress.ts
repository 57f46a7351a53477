import { randomBytes } from 'node:crypto'
import type { ResourceSample } from '../core/resource-sample.ts'
import type { RunExtension } from '../engine/extension.ts'
import { encodeHistogram, summarize } from '../metrics/histogram.ts'
import type { ProgressEvent } from '../core/progress-event.ts'

/**
 * Hands every closed second of a run to `listener`: live progress, Prometheus, and the figures so
 * far that the reporter keeps in case Vitest is interrupted before the run ends.
 */
export function reportProgress(
  listener: { send: (e: ProgressEvent) => void; latency: boolean },
  resources?: () => ResourceSample | undefined,
): RunExtension {
  const runId = randomBytes(6).toString('hex')
  const totals = { iterations: 0, failed: 0, dropped: 0 }
  let startedAt: string | undefined
  return {
    start(run) {
      // Extensions start after t0 (the monitor's first sample may take a while): date t0 itself.
      startedAt = new Date(Date.now() - (run.clock.now() - run.t0)).toISOString()
    },
    second(point, data, run) {
      totals.iterations += point.iterations
      totals.failed += point.errors
      totals.dropped += point.dropped
      const errorsByKind: Record<string, number> = {}
      for (const [kind, e] of run.recorder.errors.byKind) errorsByKind[kind] = e.count
      const elapsedMs = point.t * 1000 + point.ms
      listener.send({
        runId,
        name: run.name,
        executor: run.config.executor,
        elapsedMs,
        plannedMs: run.plannedMs,
        point,
        totals: { ...totals },
        errorsByKind,
        ...(listener.latency ? { latency: encodeHistogram(data.latency) } : {}),
        resources: resources?.(),
        done: run.ended || elapsedMs >= run.plannedMs || point.ms < 1000,
        startedAt,
        soFar: {
          latency: summarize(run.recorder.latency),
          serviceTime: summarize(run.recorder.serviceTime),
          vusAllocated: run.vusAllocated,
        },
      })
    },
  }
}
