import { ErrorTally } from './errors-by-kind.ts'
import { createHistogram, trendStats, type Histogram } from './histogram.ts'
import { MetricRegistry, type SubMetric } from './registry.ts'
import type { TimelinePoint } from '../core/result.ts'
import type { MetricSnapshot } from '../core/metric-snapshot.ts'
import { splitScenario } from '../core/metric-key.ts'

const us = (ms: number) => Math.round(ms * 1000)

/** What one closed second holds: its histograms (reused after the listener returns) and counts. */
export interface SecondData {
  latency: Histogram
  serviceTime: Histogram
  iterations: number
  errors: number
  dropped: number
  ms: number
  /** Runs with scenarios: the share of each scenario that ran in this second, by name. */
  scenarios?: Record<string, ScenarioSecond>
}

/** A scenario's share of one second, with its VUs busy or looping when the second closed. */
export type ScenarioSecond = Omit<SecondData, 'scenarios'> & { vus: number }

/**
 * Records every iteration of one run. The hot path writes into per-second histograms only;
 * each closed second is merged into the run totals and windows, and summarised into the
 * timeline, so the cost per iteration is two histogram records, one when the iterations start
 * when planned (closed models: latency and service time are the same).
 *
 * A run with scenarios has one child recorder per scenario (`scenario()`): on the same seconds,
 * what a child records counts in the run's totals too, and the run closes the children's seconds
 * with its own. A child's timeline holds the seconds in which its scenario ran.
 */
export class Recorder {
  readonly t0: number
  readonly registry: MetricRegistry
  /** The recorders of the run's scenarios, by name. */
  readonly scenarios = new Map<string, Recorder>()
  readonly errors = new ErrorTally()
  readonly timeline: TimelinePoint[] = []
  readonly latency: Histogram = createHistogram()
  readonly serviceTime: Histogram = createHistogram()
  iterations = 0
  failed = 0
  dropped = 0
  interrupted = 0
  /**
   * Called with each closed second, after the run totals include it and before its histograms
   * are reused: the engine hands it to the run's extensions.
   */
  onSecond: ((point: TimelinePoint, second: SecondData) => void) | undefined
  vusNow: () => number = () => 0

  private readonly secLatency: Histogram = createHistogram()
  private readonly secService: Histogram = createHistogram()
  /** No iteration of this second started later than planned: secLatency is the service time too (secService empty). */
  private secShared = true
  private secIterations = 0
  private secErrors = 0
  private secDropped = 0
  private second = 0
  private nextBoundary: number
  private endedAt: number | undefined
  private readonly parent: Recorder | undefined
  /** When the measured load starts (a scenario's startTime) and, once it is over, stops. */
  private readonly startAt: number
  private stoppedAt: number | undefined

  /** `subMetrics`: tagged sub-metrics thresholds declared, which the registry fills too. */
  constructor(t0: number, subMetrics: SubMetric[] = [], parent?: { recorder: Recorder; startAt: number }) {
    this.t0 = t0
    this.nextBoundary = t0 + 1000
    this.parent = parent?.recorder
    this.startAt = parent?.startAt ?? t0
    this.registry = new MetricRegistry(subMetrics, parent?.recorder.registry)
  }

  /** The recorder of a scenario that starts at `startAt` (on the clock): its samples count here too. */
  scenario(name: string, subMetrics: SubMetric[], startAt: number): Recorder {
    const child = new Recorder(this.t0, subMetrics, { recorder: this, startAt })
    this.scenarios.set(name, child)
    return child
  }

  /** A scenario's load is over at `end`: its later seconds are not its own, its rates count up to here. */
  stopScenario(end: number): void {
    this.stoppedAt ??= end
  }

  recordIteration(planned: number, start: number, end: number, failed: boolean, error: unknown): void {
    // The run's recorder closes its scenarios' seconds with its own: they stay aligned.
    if (this.parent) this.parent.recordIteration(planned, start, end, failed, error)
    else if (end >= this.nextBoundary) this.rollover(end)
    // Closed models start iterations when planned: one histogram holds both until a second differs.
    if (planned !== start && this.secShared) {
      this.secService.add(this.secLatency)
      this.secShared = false
    }
    this.secLatency.recordValue(us(end - planned))
    if (!this.secShared) this.secService.recordValue(us(end - start))
    this.secIterations++
    if (failed) {
      this.secErrors++
      this.errors.add(error)
    }
  }

  recordDropped(now: number, count = 1): void {
    if (this.parent) this.parent.recordDropped(now, count)
    else if (now >= this.nextBoundary) this.rollover(now)
    this.secDropped += count
  }

  /** Closes every whole second up to `now`, also when no iteration finishes (a stall). */
  rollover(now: number): void {
    while (now >= this.nextBoundary && this.endedAt === undefined) this.closeSecond(1000)
  }

  finish(end: number): void {
    this.rollover(end)
    const partial = end - (this.nextBoundary - 1000)
    // What ended at the very instant the last second closed opens the next one: keep it, even
    // when the run ends at that instant too (only a fake clock gets there).
    const pending = this.secIterations + this.secDropped > 0 || [...this.scenarios.values()].some((c) => c.pending())
    if (partial > 0 || pending || this.timeline.length === 0) this.closeSecond(Math.max(partial, 0.001))
    this.markEnded(end)
  }

  /** From the start (a scenario's start) to the end, or to the last closed second while running. */
  get elapsedMs(): number {
    const end = this.stoppedAt ?? this.endedAt ?? this.nextBoundary - 1000
    return Math.max(0, end - this.startAt)
  }

  private pending(): boolean {
    return this.secIterations + this.secDropped > 0
  }

  /** This second's own counts; its histograms stay valid until reset(). */
  private current(ms: number): SecondData {
    return {
      latency: this.secLatency,
      serviceTime: this.secShared ? this.secLatency : this.secService,
      iterations: this.secIterations,
      errors: this.secErrors,
      dropped: this.secDropped,
      ms,
    }
  }

  private reset(): void {
    this.secLatency.reset()
    if (!this.secShared) this.secService.reset()
    this.secShared = true
    this.secIterations = this.secErrors = this.secDropped = 0
  }

  /** A scenario's second is its own while the scenario runs, or when something was recorded in it. */
  private ran(): boolean {
    const from = this.nextBoundary - 1000
    return this.pending() || (this.nextBoundary > this.startAt && (this.stoppedAt === undefined || from < this.stoppedAt))
  }

  private closeSecond(ms: number): void {
    const scenarios = this.closeScenarios((child) => (child.ran() ? { ...child.current(ms), vus: child.vusNow() } : undefined))
    this.commit({ ...this.current(ms), ...(scenarios ? { scenarios } : {}) }, this.vusNow())
    this.reset()
    for (const child of this.scenarios.values()) child.reset()
  }

  /** Commits each scenario's share of the second closing now (none: not in its timeline) and moves it on. */
  private closeScenarios(share: (child: Recorder, name: string) => ScenarioSecond | undefined): Record<string, ScenarioSecond> | undefined {
    if (this.scenarios.size === 0) return undefined
    const shares: Record<string, ScenarioSecond> = {}
    for (const [name, child] of this.scenarios) {
      const s = share(child, name)
      if (s !== undefined) {
        child.commitPoint(s, s.vus)
        shares[name] = s
      }
      child.advance()
    }
    return shares
  }

  /**
   * Adds one second measured elsewhere (worker threads, drivers): their histograms merged and
   * counts summed, each scenario's share into its recorder. The coordinator of a sharded run
   * feeds its recorder this way only.
   */
  addSecond(data: SecondData, vus: number): void {
    if (this.endedAt !== undefined) return
    const scenarios = this.closeScenarios((_, name) =>
      data.scenarios && Object.hasOwn(data.scenarios, name) ? data.scenarios[name] : undefined,
    )
    this.commit({ ...data, ...(scenarios ? { scenarios } : {}) }, vus)
  }

  /** Ends a recorder fed by addSecond(): no second is closed from its own (empty) counters. */
  markEnded(end: number): void {
    this.endedAt = end
    for (const child of this.scenarios.values()) child.markEnded(end)
  }

  private commit(data: SecondData, vus: number): void {
    this.commitPoint(data, vus)
    this.advance()
    this.onSecond?.(this.timeline[this.timeline.length - 1], data)
  }

  private advance(): void {
    this.second++
    this.nextBoundary += 1000
  }

  private commitPoint(data: SecondData, vus: number): void {
    const lat = trendStats(data.latency)
    const r = (v: number) => Math.round(v * 1000) / 1000
    this.timeline.push({
      t: this.second,
      ms: data.ms,
      iterations: data.iterations,
      errors: data.errors,
      dropped: data.dropped,
      throughput: r((data.iterations * 1000) / data.ms),
      p50: r(lat.percentile(50)),
      p95: r(lat.percentile(95)),
      p99: r(lat.percentile(99)),
      vus,
    })
    this.latency.add(data.latency)
    this.serviceTime.add(data.serviceTime)
    this.iterations += data.iterations
    this.failed += data.errors
    this.dropped += data.dropped
  }

  /**
   * Built-in or custom metric as thresholds see it, over the seconds closed so far. A key tagged
   * with a scenario (`latency{scenario:checkout}`) is read from that scenario's recorder.
   */
  snapshot(key: string): MetricSnapshot | undefined {
    const scenario = this.scenarios.size > 0 ? splitScenario(key) : undefined
    if (scenario) return this.scenarios.get(scenario.scenario)?.snapshot(scenario.key)
    const elapsed = this.elapsedMs
    const perSecond = (n: number) => (elapsed > 0 ? (n * 1000) / elapsed : 0)
    switch (key) {
      case 'latency':
        return { type: 'trend', stats: trendStats(this.latency) }
      case 'service_time':
        return { type: 'trend', stats: trendStats(this.serviceTime) }
      case 'errors':
        return { type: 'rate', trues: this.failed, total: this.iterations }
      case 'iterations':
        return { type: 'counter', count: this.iterations, perSecond: perSecond(this.iterations) }
      case 'dropped':
        return { type: 'counter', count: this.dropped, perSecond: perSecond(this.dropped) }
      case 'throughput':
        return throughputSnapshot(this.timeline, this.iterations, elapsed)
      default:
        return this.registry.snapshot(key, elapsed)
    }
  }

  destroy(): void {
    for (const child of this.scenarios.values()) child.destroy()
    for (const h of [this.latency, this.serviceTime, this.secLatency, this.secService]) h.destroy()
    this.registry.destroy()
  }
}

/** value: iterations per second over the run; min/max: over whole seconds only. */
export function throughputSnapshot(timeline: TimelinePoint[], iterations: number, elapsedMs: number): MetricSnapshot {
  const value = elapsedMs > 0 ? (iterations * 1000) / elapsedMs : 0
  let min = Infinity
  let max = -Infinity
  for (const p of timeline) {
    if (p.ms < 1000) continue
    if (p.throughput < min) min = p.throughput
    if (p.throughput > max) max = p.throughput
  }
  return min === Infinity ? { type: 'gauge', value, min: value, max: value } : { type: 'gauge', value, min, max }
}
