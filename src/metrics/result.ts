import type { ResolvedLoadConfig } from '../config/schemas.ts'
import type { ThresholdOutcome } from '../thresholds/evaluate.ts'
import type { MatrixTag } from '../analysis/matrix.ts'
import type { FaultImpact } from '../faults/recovery.ts'
import type { BaselineComparison } from '../baselines/compare.ts'
import type { RepetitionSummary } from '../baselines/repetitions.ts'
import type { ResourceSample } from '../monitor/sample.ts'
import type { LatencySummary } from './histogram.ts'

export const RESULT_VERSION = 1

/** The task.meta key under which RunResults travel from workers to reporters. */
export const META_KEY = 'vitest-perf'

/** One second of a run (the last point may be shorter: see `ms`). */
export interface TimelinePoint {
  /** Seconds since the start of the run. */
  t: number
  ms: number
  iterations: number
  errors: number
  dropped: number
  /** Iterations per second in this bucket. */
  throughput: number
  /** Latency from the planned start, in ms. */
  p50: number
  p95: number
  p99: number
  /** VUs busy or looping when the second closed. */
  vus: number
  /** From the resource sample of this second, when monitored: CPU % of one core, bytes, ms. */
  cpu?: number
  rss?: number
  heapUsed?: number
  eventLoopP99?: number
  /** Names of the faults active during this second. */
  faults?: string[]
}

export interface ErrorKind {
  count: number
  /** The first message seen for this kind. */
  message: string
}

export type CustomMetricResult =
  | { type: 'trend'; name: string; tags: Record<string, string>; summary: LatencySummary; histogram: string }
  | { type: 'counter'; name: string; tags: Record<string, string>; count: number; rate: number }
  | { type: 'rate'; name: string; tags: Record<string, string>; trues: number; total: number; rate: number }
  | { type: 'gauge'; name: string; tags: Record<string, string>; value: number; min: number; max: number }

export type RunState = 'completed' | 'aborted'

/** Why a run stopped early: a threshold with abortOnFail, the caller's signal, or a lost worker or driver. */
export type AbortReason = 'threshold' | 'signal' | 'shard-lost'

export interface InfraUsed {
  service: string
  provider: string
  version: string
  tuning: string
  host: string
  port: number
}

/** One worker thread or driver of a sharded run. */
export interface ShardSummary {
  kind: 'worker' | 'driver'
  /** Driver id (its host and pid unless named) or worker number. */
  id: string
  iterations: number
  failed: number
  dropped: number
  vusAllocated: number
  /** Set when it stopped reporting (heartbeats missed, thread or process died): when and why. */
  lost?: string
}

/** Plain serialisable data: what a run measured. Crosses from workers to reporters as is. */
export interface RunResult {
  version: typeof RESULT_VERSION
  name?: string
  state: RunState
  abort?: { reason: AbortReason; detail: string }
  config: ResolvedLoadConfig
  startedAt: string
  endedAt: string
  durationMs: number
  /** Iterations that finished (passed or failed). */
  iterations: number
  failed: number
  /** Still running when gracefulStop ran out. */
  interrupted: number
  /** Planned by an open model but never started (no free VU). */
  dropped: number
  throughput: number
  /** VUs created during the run (for open models, up to the maxVUs option). */
  vusAllocated: number
  /** From the planned start: coordinated-omission corrected. */
  latency: LatencySummary
  /** From the actual start. */
  serviceTime: LatencySummary
  /** Encoded HDR histograms in microseconds. */
  histograms: { latency: string; serviceTime: string }
  errors: { count: number; rate: number; byKind: Record<string, ErrorKind> }
  timeline: TimelinePoint[]
  metrics: Record<string, CustomMetricResult>
  thresholds: ThresholdOutcome[]
  /** One sample per second of the test process and watched servers (monitor on by default). */
  resources: ResourceSample[]
  /** Database servers the test used (perfTest fixtures): provider, version and tuning. */
  infra?: InfraUsed[]
  /** One summary per repetition (runLoad's `repeat`), for statistical comparison with a baseline. */
  repetitions?: RepetitionSummary[]
  /** Set by toMatchBaseline(): the comparison with the committed baseline. */
  baseline?: BaselineComparison
  /** Set on runs inside a matrix() cell. */
  matrix?: MatrixTag
  /** Runs split over worker threads or drivers: what each one did (docs/distributed.md). */
  shards?: ShardSummary[]
  /** Faults scheduled in the run: when, what they caused, how long recovery took. */
  faults?: FaultImpact[]
  environment: { node: string; platform: string; arch: string; cpus: number; histograms: 'wasm' | 'js' }
}
