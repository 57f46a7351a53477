import type { RunResult, TimelinePoint } from '../metrics/result.ts'
import type { ResourceSample } from '../monitor/sample.ts'

/** What a running load reports every second, for live progress and the Prometheus exporter. */
export interface ProgressEvent {
  /** Unique per run, so listeners can tell concurrent runs apart. */
  runId: string
  name: string
  executor: string
  /** ms since the start, and the planned length (Infinity for iteration-bounded runs). */
  elapsedMs: number
  plannedMs: number
  point: TimelinePoint
  totals: { iterations: number; failed: number; dropped: number }
  errorsByKind: Record<string, number>
  /** This second's latency histogram (HDR, µs, encoded), when a listener asked for it (Prometheus). */
  latency?: string
  resources?: ResourceSample
  done: boolean
}

type Sink = (result: RunResult) => void
type ProgressSink = (event: ProgressEvent) => void
let sink: Sink | undefined
let progressSink: { send: ProgressSink; latency: boolean } | undefined

/** Set by the Vitest setup file: where runLoad() hands its results so the reporter sees them. */
export function setResultSink(next: Sink | undefined): void {
  sink = next
}

export function emitResult(result: RunResult): void {
  sink?.(result)
}

/**
 * Set by the Vitest setup file when the main process listens: live progress needs the counts,
 * only the Prometheus exporter needs each second's latency histogram (encoding costs).
 */
export function setProgressSink(next: ProgressSink | undefined, options: { latency: boolean } = { latency: false }): void {
  progressSink = next && { send: next, latency: options.latency }
}

export function progressListener(): { send: ProgressSink; latency: boolean } | undefined {
  return progressSink
}
