import type { ExecutorName, ResolvedRunConfig } from './load-config.ts'
import type { ResourceSample } from './resource-sample.ts'

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

/**
 * `interrupted` never comes from runLoad(): the reporter gives it to a run that was still going
 * when Vitest was interrupted (Ctrl-C), whose figures are those of its last progress report.
 */
export type RunState = 'completed' | 'aborted' | 'interrupted'

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
  /** Drivers: control messages of this run the driver dropped (unsigned, badly signed, replayed, invalid). */
  droppedMessages?: number
}

/** Messages of a distributed run's control plane that were dropped, by why (docs/results.md). */
export interface DroppedMessages {
  /** No signature where a key is set. */
  unsigned: number
  /** A signature that does not match the key and the content. */
  badSignature: number
  /** A sequence number already seen from that sender: a copied entry. */
  replayed: number
  /** Not JSON, not of the protocol's shape, or out of bounds (shard, second, sizes). */
  invalid: number
}

/** Plain serialisable data: what a run measured. Crosses from workers to reporters as is. */
export interface RunResult {
  version: typeof RESULT_VERSION
  name?: string
  state: RunState
  abort?: { reason: AbortReason; detail: string }
  config: ResolvedRunConfig
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
  /** Set when overload 'queue' dropped arrivals because the queue was full: how many, and why. */
  overload?: { queueFull: number; maxQueue: number; note: string }
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
  /** Runs with scenarios: what each scenario measured, by name (docs/scenarios.md). The fields above are the totals. */
  scenarios?: Record<string, ScenarioResult>
  /** Runs split over worker threads or drivers: what each one did (docs/distributed.md). */
  shards?: ShardSummary[]
  /** Distributed runs: messages the coordinator dropped from the run's events stream. */
  droppedMessages?: DroppedMessages
  /** Faults scheduled in the run: when, what they caused, how long recovery took. */
  faults?: FaultImpact[]
  /** CPU time used during the load (user + system), by the test process and each watched server. */
  cpu?: CpuUsage
  /** The machine probe (ms, higher is slower) right before and after this run; runLoad() sets it. */
  probe?: ProbeReadings
  environment: { node: string; platform: string; arch: string; cpus: number; histograms: 'wasm' | 'js' }
}

/**
 * What one scenario of a run measured: the same counts, summaries and histograms as the run's
 * totals, over the scenario's own iterations. Its metrics are keyed without the scenario tag:
 * `latency{scenario:checkout,step:pay}` of the run is `metrics['latency{step:pay}']` here.
 */
export interface ScenarioResult {
  executor: ExecutorName
  /** ms from the start of the run to the scenario's start. */
  startTime: number
  /** ms from the scenario's start to its end (its last iteration, or its gracefulStop running out); 0 when it never started. */
  durationMs: number
  iterations: number
  failed: number
  interrupted: number
  dropped: number
  overload?: { queueFull: number; maxQueue: number; note: string }
  /** Iterations per second of the scenario's own duration. */
  throughput: number
  vusAllocated: number
  latency: LatencySummary
  serviceTime: LatencySummary
  histograms: { latency: string; serviceTime: string }
  errors: { count: number; rate: number; byKind: Record<string, ErrorKind> }
  /** The seconds of the run in which the scenario ran; `t` counts from the start of the run, so a later startTime starts later. */
  timeline: TimelinePoint[]
  metrics: Record<string, CustomMetricResult>
}

export interface ThresholdOutcome {
  metric: string
  expression: string
  ok: boolean
  actual: number | null
  unit?: string
  window?: { ms: number; failed: number; total: number; worst: number | null }
  note?: string
  abortOnFail?: boolean
}

export type MatrixValue = string | number

/** Which matrix and cell a result belongs to; set on results of runs inside a matrix test. */
export interface MatrixTag {
  matrix: string
  cell: Record<string, MatrixValue>
  dimensions: string[]
}

/** When a fault was active, in seconds since the start of the run. */
export interface FaultWindow {
  name: string
  start: number
  end: number
  /** Set when the fault could not be started or stopped. */
  error?: string
}

export interface FaultImpact extends FaultWindow {
  /** Iterations and failures in the seconds the fault was active. */
  iterations: number
  errors: number
  before: { errorRate: number; p95: number }
  /** ms from the end of the fault to the end of the first second back within bounds; null: never. */
  recoveryMs: number | null
}

/** CPU time (user + system, ms) used between the start and the end of the load. */
export interface CpuUsage {
  /** The test process, all its threads (worker threads of a sharded run included). */
  process: number
  /** Each watched server with a pid, its child processes included (Linux), by service name. */
  servers?: Record<string, number>
  /**
   * Cores other processes kept busy on average during the load (Linux: the machine's busy time
   * from /proc/stat, steal included, less the test process and the watched servers): 1.0 is one
   * busy neighbour core. A database that is not watched counts here too.
   */
  otherCores?: number
  /** What could not be measured, and why (e.g. instruction counts on a machine without counters). */
  notes?: string[]
}

/** Wall time (ms) of the machine probe, fixed work on every core: higher means a slower machine. */
export interface ProbeReadings {
  before: number
  after: number
}

export type Severity = 'minor' | 'major' | 'critical'

export type Verdict = 'PASS' | 'IMPROVEMENT' | 'REGRESSION' | 'INCONCLUSIVE'

/** `cpu.process` and `cpu.<service>`: CPU ms per iteration of the test process and of a watched server. */
export type MetricName = 'latency.p50' | 'latency.p95' | 'latency.p99' | 'latency.mean' | 'throughput' | 'errorRate' | `cpu.${string}`

export interface MetricComparison {
  metric: MetricName
  /** Set when the metric is one scenario's (runs with scenarios); the metric of the whole run otherwise. */
  scenario?: string
  verdict: Verdict
  severity?: Severity
  baseline: number
  current: number
  /** Relative change of medians (absolute for errorRate); positive means the value went up. */
  change: number
  interval: { low: number; high: number }
  p: number
  /** 'cpu ms': CPU time per iteration (never scaled by the machine's speed). */
  unit: 'ms' | '/s' | '%' | 'cpu ms'
  absolute: boolean
  /** Run-to-run noise of the metric: robust CV of the repetitions (absolute spread for errorRate), the larger side. */
  noise?: number
  /** The smallest change this comparison could detect (80 % power at its alpha and repetitions); Infinity: none. */
  detectable?: number
  /** Repetitions a side needed to detect the target change (`targetChange`, 10 %); Infinity: not with this test. */
  needed?: number
  /** Why the verdict is not what the numbers alone say (machine drift). */
  reason?: string
}

export interface BaselineComparison {
  verdict: Verdict
  severity?: Severity
  metrics: MetricComparison[]
  repetitions: { baseline: number; current: number }
  alpha: number
  recommendations: string[]
  notes: string[]
  /** The baseline's latency over all its repetitions (encoded HDR, µs), for overlays in reports. */
  latencyHistogram?: string
  /** The machine probe on both sides, when both recorded it: did the machine itself get slower? */
  drift?: MachineDrift
}

export interface MachineDrift {
  /** Median probe time now / in the baseline: 1.38 means this machine ran 38 % slower. */
  ratio: number
  /** Robust CV of the probe readings, the noisier side. */
  noise: number
  /** Rank test of the probe readings, current against baseline. */
  p: number
  /**
   * 'slower' / 'faster' beyond the probe's noise; 'busier' / 'quieter' when other processes used
   * more (fewer) cores (see `others`); 'unsteady' when the probe itself varied too much
   * from repetition to repetition to tell (committed baselines only). Timing verdicts are then held
   * back, or normalized (not when unsteady).
   */
  state: 'slower' | 'faster' | 'busier' | 'quieter' | 'steady' | 'unsteady'
  /** Paired comparisons: the pairs whose probes were compared (ratio and noise are then per pair, head / base). */
  pairs?: number
  /**
   * Cores other processes kept busy (`otherCores`), median of the baseline's (base's) repetitions
   * and of the current (head's), with the rank test's p. 'busier' / 'quieter' when they differ by
   * a quarter of a core or more and significantly, and the probe saw nothing: timing verdicts
   * are then held back (never normalized: no ratio follows from it).
   */
  others?: { baseline: number; current: number; p: number }
}

/** One repetition of a load as baselines keep it: summaries plus its encoded histograms. */
export interface RepetitionSummary {
  iterations: number
  durationMs: number
  throughput: number
  errorRate: number
  dropped: number
  latency: LatencySummary
  serviceTime: LatencySummary
  histograms: { latency: string; serviceTime: string }
  /** CPU ms per iteration of the test process and each watched server (absent in older baselines). */
  cpuPerIteration?: { process: number; servers?: Record<string, number> }
  /** Cores other processes kept busy during this repetition (`cpu.otherCores` of its run; Linux). */
  otherCores?: number
  /** The machine probe before and after this repetition (absent in older baselines). */
  probe?: ProbeReadings
  /** Runs with scenarios: each scenario's summary in this repetition, by name (no histograms: baselines stay small). */
  scenarios?: Record<string, ScenarioRepetition>
}

/** One scenario of one repetition, as baselines keep it and judge it. */
export type ScenarioRepetition = Pick<
  RepetitionSummary,
  'iterations' | 'durationMs' | 'throughput' | 'errorRate' | 'dropped' | 'latency' | 'serviceTime'
> & {
  executor: ExecutorName
}

export interface LatencySummary {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p95: number
  p99: number
  p999: number
  max: number
}
