import type { ResourceSample } from './resource-sample.ts'
import type { LatencySummary, TimelinePoint } from './result.ts'

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
  /** When the run started (wall clock, ISO). */
  startedAt?: string
  /** The whole run so far, for a partial result should Vitest be interrupted before the run ends. */
  soFar?: { latency: LatencySummary; serviceTime: LatencySummary; vusAllocated: number }
  /** The Vitest test the run belongs to (its task id), added by the setup file inside Vitest. */
  testId?: string
}
