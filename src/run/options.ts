import type { WatchedServer } from '../core/resource-sample.ts'
import type { FaultPlan } from '../faults/schedule.ts'
import type { RecoveryBounds } from '../faults/recovery.ts'

export interface RunOptions {
  /** Stops the run early (state 'aborted'); in-flight iterations get gracefulStop to finish. */
  signal?: AbortSignal
  /** Label for reports. */
  name?: string
  /** Hand the result to the current Vitest test for the reporter (default true). */
  attach?: boolean
  /**
   * Run the load this many times (default 1) and merge the runs; each repetition's summary is
   * kept in `result.repetitions` so toMatchBaseline() can compare them statistically.
   */
  repeat?: number
  /**
   * Resource sampling once a second (CPU, memory, heap, event loop, handles), on by default;
   * `false` turns it off, `{ servers }` also watches database servers (the run fixture passes its
   * database fixtures). `preciseHeap: true` runs a full GC before every sample, so toHaveNoLeak()
   * sees the live heap, external memory and ArrayBuffers every second (each GC pauses the load, tens
   * of ms: for leak tests, not for latency measurements). CPU time per iteration of the test
   * process and of the servers with a pid is recorded in `result.cpu` either way;
   * `instructions: true` asks for instruction counts too (a note says why when the machine has none).
   */
  monitor?: false | { servers?: WatchedServer[]; preciseHeap?: boolean; instructions?: boolean }
  /**
   * Faults on the run's clock: `[{ at: '10s', duration: '5s', fault }]`, or random injection
   * `[{ failureRate: 0.05, fault, slot: '1s' }]`.
   */
  faults?: FaultPlan[]
  /**
   * Measure the machine probe (fixed work on every core, ~15 ms when idle) before and after each
   * repetition (default true), so a baseline comparison can tell a slower machine from slower code.
   */
  probe?: boolean
  /** Bounds for "recovered" after a fault (default: error rate +1 pp, p95 × 1.5). */
  recovery?: RecoveryBounds
}
