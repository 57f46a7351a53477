import type { ResolvedLoadConfig } from '../config/schemas.ts'
import type { ThresholdDef } from '../thresholds/define.ts'
import { Recorder } from '../metrics/recorder.ts'
import type { AbortReason } from '../metrics/result.ts'
import { VuContext, type Workflow } from './context.ts'

export interface RebalanceChange {
  factor: number
  vus: number
}

/** State shared by the executor, its VUs and the run loop of one run. */
export class Runtime {
  readonly t0: number
  readonly recorder: Recorder
  /** No iteration starts at or after this time (performance.now() clock). */
  endAt = Infinity
  /** Set when the run is asked to stop early: no new iterations start. */
  stopping = false
  stopReason: { reason: AbortReason; detail: string } | undefined
  /** Set when gracefulStop ran out: late iterations are not recorded. */
  hard = false
  started = 0
  inflight = 0
  activeVUs = 0
  /** When a closed-model VU last yielded to the event loop. */
  yieldedAt = 0
  vuCount = 0
  /** Iterations waiting for a VU (overload: 'queue'). */
  queued = () => 0
  private readonly hardController = new AbortController()
  private readonly stopController = new AbortController()
  private readonly stopListeners: (() => void)[] = []
  private rebalancer: ((change: RebalanceChange) => void) | undefined
  private readonly pendingRebalance: RebalanceChange[] = []

  readonly config: ResolvedLoadConfig
  readonly workflow: Workflow

  constructor(config: ResolvedLoadConfig, thresholds: ThresholdDef[], workflow: Workflow) {
    this.config = config
    this.workflow = workflow
    this.t0 = performance.now()
    this.recorder = new Recorder(this.t0, thresholds)
    this.recorder.vusNow = () => Math.max(this.activeVUs, this.inflight)
  }

  /** Aborted at the hard stop; handed to workflows as ctx.signal. */
  get signal(): AbortSignal {
    return this.hardController.signal
  }

  /** Aborted as soon as the run stops early: wakes sleeping and parked VUs. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal
  }

  stop(reason: AbortReason, detail: string): void {
    if (this.stopping) return
    this.stopping = true
    this.stopReason = { reason, detail }
    this.stopController.abort()
    for (const listener of this.stopListeners) listener()
  }

  /**
   * Executors that can take on a lost shard's share mid-run (docs/distributed.md) register how:
   * open models multiply their rate by `factor`, closed ones start `vus` more VUs. A request
   * that came before the executor registered is applied then.
   */
  setRebalancer(apply: (change: RebalanceChange) => void): void {
    this.rebalancer = apply
    for (const change of this.pendingRebalance.splice(0)) apply(change)
  }

  rebalance(change: RebalanceChange): void {
    if (this.rebalancer) this.rebalancer(change)
    else this.pendingRebalance.push(change)
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener)
  }

  hardStop(): void {
    this.hard = true
    this.stopping = true
    this.stopController.abort()
    this.hardController.abort(new Error('gracefulStop ran out'))
  }

  newVu(): Vu {
    this.vuCount++
    return new Vu(this, new VuContext(this.vuCount, this.signal, this.recorder.registry))
  }
}

export class Vu {
  count = 0
  private readonly rt: Runtime
  readonly ctx: VuContext

  constructor(rt: Runtime, ctx: VuContext) {
    this.rt = rt
    this.ctx = ctx
  }

  /** Runs one iteration: latency from `planned`, service time from `start`. */
  async iterate(planned: number, start: number): Promise<void> {
    const rt = this.rt
    const ctx = this.ctx
    ctx.iteration = rt.started++
    ctx.vuIteration = this.count
    rt.inflight++
    let failed = false
    let error: unknown
    try {
      await rt.workflow(ctx)
    } catch (e) {
      failed = true
      error = e
    }
    const end = performance.now()
    rt.inflight--
    this.count++
    if (!rt.hard) rt.recorder.recordIteration(planned, start, end, failed, error)
  }
}
