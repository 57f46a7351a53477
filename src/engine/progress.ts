import { randomBytes } from 'node:crypto'
import type { ResolvedLoadConfig } from '../config/schemas.ts'
import { encodeHistogram } from '../metrics/histogram.ts'
import type { ResourceSampler } from '../monitor/sampler.ts'
import type { ProgressEvent } from './result-sink.ts'
import type { Runtime } from './runtime.ts'

/** Hands every closed second of a run to `listener` (live progress, Prometheus). */
export function reportProgress(rt: Runtime, listener: { send: (e: ProgressEvent) => void; latency: boolean }, config: ResolvedLoadConfig, plannedMs: number, name: string, sampler: ResourceSampler | undefined): void {
  const runId = randomBytes(6).toString('hex')
  const totals = { iterations: 0, failed: 0, dropped: 0 }
  rt.recorder.onPoint = (point, latency) => {
    totals.iterations += point.iterations
    totals.failed += point.errors
    totals.dropped += point.dropped
    const errorsByKind: Record<string, number> = {}
    for (const [kind, e] of rt.recorder.errors.byKind) errorsByKind[kind] = e.count
    const elapsedMs = point.t * 1000 + point.ms
    listener.send({
      runId,
      name,
      executor: config.executor,
      elapsedMs,
      plannedMs,
      point,
      totals: { ...totals },
      errorsByKind,
      ...(listener.latency ? { latency: encodeHistogram(latency) } : {}),
      resources: sampler?.samples.at(-1),
      done: rt.hard || elapsedMs >= plannedMs || point.ms < 1000,
    })
  }
}
