import type { Clock } from '../core/clock.ts'
import type { ResolvedRunConfig, ResolvedScenario } from '../core/load-config.ts'
import type { AbortReason } from '../core/result.ts'
import { Recorder } from '../metrics/recorder.ts'
import { runSubMetrics, type SubMetric } from '../metrics/registry.ts'
import { VuContext, type Workflow } from './context.ts'
import type { RunContext } from './extension.ts'

export interface RebalanceChange {
  factor: number
  vus: number
}

export interface RuntimeOptions {
  config: ResolvedRunConfig
  workflow: Workflow
  /** The result's name (options.name or config.name), when there is one. */
  name?: string
  clock: Clock
  /** Tagged sub-metrics declared by thresholds. */
  subMetrics?: SubMetric[]
  /** Time after which no iteration starts, from t0. */
  plannedMs: number
}

/** A scenario's runtime: the run it belongs to, its name, and when it starts after the run's t0. */
interface ScenarioOf {
  parent: Runtime
  name: string
  startTime: number
}

/** State shared by the executor, its VUs, the run loop and the extensions of one run. */
export class Runtime implements RunContext {
  readonly t0: number
  readonly recorder: Recorder
  readonly clock: Clock
  /** The label of progress lines and messages: the result's name, or 'run'. */
  readonly name: string
  readonly resultName: string | undefined
  readonly plannedMs: number
  /** No iteration starts at or after this time (on `clock`). */
  readonly endAt: number
  /** Set once the load is over: closing the last partial second must not abort the run. */
  ended = false
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
  /** Arrivals dropped because the queue held maxQueue already (overload: 'queue'). */
  queueFull = 0
  /** Iterations waiting for a VU (overload: 'queue'). */
  queued = () => 0
  private readonly hardController = new AbortController()
  private readonly stopController = new AbortController()
  private readonly stopListeners: (() => void)[] = []
  private rebalancer: ((change: RebalanceChange) => void) | undefined
  private readonly pendingRebalance: RebalanceChange[] = []

  readonly config: ResolvedRunConfig
  readonly workflow: Workflow
  /** Runs with scenarios: one runtime per scenario, by name, each with its own VUs and counters. */
  readonly scenarios = new Map<string, Runtime>()
  /** Set on a scenario's runtime: its name and the run it belongs to. */
  readonly scenario: string | undefined
  private readonly parent: Runtime | undefined

  constructor(options: RuntimeOptions, of?: ScenarioOf) {
    this.config = options.config
    this.workflow = options.workflow
    this.clock = options.clock
    this.resultName = options.name
    this.name = options.name ?? 'run'
    this.plannedMs = options.plannedMs
    this.parent = of?.parent
    this.scenario = of?.name
    // A scenario's times count from its own start; its recorder closes seconds with the run's.
    this.t0 = of ? of.parent.t0 + of.startTime : this.clock.now()
    this.endAt = this.t0 + options.plannedMs
    this.recorder = of
      ? of.parent.recorder.scenario(of.name, options.subMetrics ?? [], this.t0)
      : new Recorder(this.t0, options.config.executor === 'scenarios' ? runSubMetrics(options.subMetrics ?? []) : options.subMetrics)
    this.recorder.vusNow = () => Math.max(this.activeVUs, this.inflight)
  }

  /**
   * Adds a scenario to a run with scenarios: its own runtime (VUs, counters, recorder) starting
   * `startTime` ms after this run's t0, stopped with the run.
   */
  addScenario(
    name: string,
    options: { config: ResolvedScenario; workflow: Workflow; subMetrics: SubMetric[]; plannedMs: number },
  ): Runtime {
    const child = new Runtime(
      {
        config: options.config,
        workflow: options.workflow,
        name: this.resultName,
        clock: this.clock,
        subMetrics: options.subMetrics,
        plannedMs: options.plannedMs,
      },
      { parent: this, name, startTime: options.config.startTime },
    )
    this.scenarios.set(name, child)
    this.onStop(() => child.stop(this.stopReason!.reason, this.stopReason!.detail))
    this.recorder.vusNow = () => {
      let n = 0
      for (const c of this.scenarios.values()) n += Math.max(c.activeVUs, c.inflight)
      return n
    }
    return child
  }

  get vusAllocated(): number {
    return this.vuCount
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
    for (const child of this.scenarios.values()) if (!child.hard) child.hardStop()
  }

  newVu(): Vu {
    this.vuCount++
    // VU ids are unique in the whole run, across its scenarios.
    if (this.parent) this.parent.vuCount++
    const id = this.parent ? this.parent.vuCount : this.vuCount
    return new Vu(this, new VuContext(id, this.signal, this.recorder.registry, this.clock, this.scenario))
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
    const end = rt.clock.now()
    rt.inflight--
    this.count++
    if (!rt.hard) rt.recorder.recordIteration(planned, start, end, failed, error)
  }
}
