import { encodeHistogram, summarize, usingWebAssembly } from '../metrics/histogram.ts'
import { RESULT_VERSION, type RunResult } from '../metrics/result.ts'
import type { ThresholdDef } from '../thresholds/define.ts'
import { displayUnit, evaluateThreshold, thresholdOutcome, type ThresholdOutcome } from '../thresholds/evaluate.ts'
import type { Runtime } from './runtime.ts'
import type { ResourceSample } from '../monitor/sample.ts'
import type { TimelinePoint } from '../metrics/result.ts'

/** Puts each second's resource sample beside its timeline point, for reports. */
function withResources(timeline: TimelinePoint[], samples: ResourceSample[]): TimelinePoint[] {
  for (const s of samples) {
    const point = timeline[Math.min(timeline.length - 1, Math.max(0, Math.ceil(s.t) - 1))]
    if (point) Object.assign(point, { cpu: s.cpu, rss: s.rss, heapUsed: s.heapUsed, eventLoopP99: s.eventLoop.p99 })
  }
  return timeline
}

interface Meta {
  name: string | undefined
  startedAt: Date
  end: number
  environment: RunResult['environment']
  resources: ResourceSample[]
}

/** Turns the finished runtime into plain data; the recorder may be destroyed afterwards. */
export function buildResult(rt: Runtime, thresholds: ThresholdDef[], meta: Meta): RunResult {
  const rec = rt.recorder
  const durationMs = meta.end - rt.t0
  const outcomes: ThresholdOutcome[] = thresholds.map((def) => {
    const tracker = rec.windows.find((w) => w.def === def)
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
  return {
    version: RESULT_VERSION,
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    state: rt.stopReason ? 'aborted' : 'completed',
    ...(rt.stopReason ? { abort: rt.stopReason } : {}),
    config: rt.config,
    startedAt: meta.startedAt.toISOString(),
    endedAt: new Date(meta.startedAt.getTime() + durationMs).toISOString(),
    durationMs: Math.round(durationMs * 1000) / 1000,
    iterations: rec.iterations,
    failed: rec.failed,
    interrupted: rec.interrupted,
    dropped: rec.dropped,
    throughput: durationMs > 0 ? Math.round((rec.iterations * 1e6) / durationMs) / 1000 : 0,
    vusAllocated: rt.vuCount,
    latency: summarize(rec.latency),
    serviceTime: summarize(rec.serviceTime),
    histograms: { latency: encodeHistogram(rec.latency), serviceTime: encodeHistogram(rec.serviceTime) },
    errors: { count: rec.failed, rate: rec.iterations ? rec.failed / rec.iterations : 0, byKind: rec.errors.toJSON() },
    timeline: withResources(rec.timeline, meta.resources),
    metrics: rec.registry.toResult(durationMs),
    thresholds: outcomes,
    resources: meta.resources,
    environment: { ...meta.environment, histograms: usingWebAssembly() ? 'wasm' : 'js' },
  }
}
