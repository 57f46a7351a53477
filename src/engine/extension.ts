import type { Clock } from '../core/clock.ts'
import type { ResolvedRunConfig } from '../core/load-config.ts'
import type { AbortReason, RunResult, TimelinePoint } from '../core/result.ts'
import type { Recorder, SecondData } from '../metrics/recorder.ts'

/** What an extension sees of the run it is part of. */
export interface RunContext {
  readonly config: ResolvedRunConfig
  /** The run's label (options.name, config.name, or 'run'). */
  readonly name: string
  /** Start of the run on `clock`. */
  readonly t0: number
  /** Time after which no iteration starts, from t0 (Infinity-free: iteration-bounded runs have a cap). */
  readonly plannedMs: number
  readonly clock: Clock
  /** The run's measurements so far: `snapshot(metric)`, `errors`, `registry`, `timeline`. */
  readonly recorder: Recorder
  /** VUs created so far. */
  readonly vusAllocated: number
  /** Set once the load is over (the last partial second may still close). */
  readonly ended: boolean
  /** Runs with scenarios: each scenario's own context (its config, recorder, VUs), by name. */
  readonly scenarios: ReadonlyMap<string, RunContext>
  /** Stops the run early; the result says why (`state: 'aborted'`, `abort`). */
  stop(reason: AbortReason, detail: string): void
  /** Takes on part of a lost shard's load: open models multiply their rate, closed ones add VUs. */
  rebalance(change: { factor: number; vus: number }): void
}

/**
 * A piece of a run that is not the load itself: thresholds watching, resource sampling,
 * scheduled faults, live progress, a shard's reports. Every hook is optional; extensions run in
 * the order given, each hook after the previous extension's.
 */
export interface RunExtension {
  /** Before the first iteration (may wait, e.g. for a first resource sample). */
  start?(run: RunContext): void | Promise<void>
  /** Each closed second: its timeline point and histograms (valid only during the call). */
  second?(point: TimelinePoint, second: SecondData, run: RunContext): void
  /** Once the load is over, also when it failed: stop what the extension started. */
  finish?(run: RunContext): void | Promise<void>
  /** Adds what the extension measured to the plain result. */
  decorate?(result: RunResult, run: RunContext): void
}
