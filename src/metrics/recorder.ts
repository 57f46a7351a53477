import type { ThresholdDef } from '../thresholds/define.ts'
import { ErrorTally } from './errors-by-kind.ts'
import { createHistogram, trendStats, type Histogram } from './histogram.ts'
import { MetricRegistry } from './registry.ts'
import type { TimelinePoint } from './result.ts'
import type { MetricSnapshot } from './snapshot.ts'
import { WindowTracker, type SecondData } from './windows.ts'

const us = (ms: number) => Math.round(ms * 1000)

/**
 * Records every iteration of one run. The hot path writes into per-second histograms only;
 * each closed second is merged into the run totals and windows, and summarised into the
 * timeline, so the cost per iteration is two histogram records.
 */
export class Recorder {
  readonly t0: number
  readonly registry: MetricRegistry
  readonly windows: WindowTracker[]
  readonly errors = new ErrorTally()
  readonly timeline: TimelinePoint[] = []
  readonly latency: Histogram = createHistogram()
  readonly serviceTime: Histogram = createHistogram()
  iterations = 0
  failed = 0
  dropped = 0
  interrupted = 0
  /** Called after every closed second (threshold abort checks). */
  onSecond: ((second: number) => void) | undefined
  /** Called with each closed second and its histograms, before the histograms are reused. */
  onPoint: ((point: TimelinePoint, latency: Histogram, serviceTime: Histogram) => void) | undefined
  /** Called when a window of a windowed threshold fails. */
  onWindowFail: ((tracker: WindowTracker) => void) | undefined
  vusNow: () => number = () => 0

  private readonly secLatency: Histogram = createHistogram()
  private readonly secService: Histogram = createHistogram()
  private secIterations = 0
  private secErrors = 0
  private secDropped = 0
  private second = 0
  private nextBoundary: number
  private endedAt: number | undefined

  constructor(t0: number, thresholds: ThresholdDef[] = []) {
    this.t0 = t0
    this.nextBoundary = t0 + 1000
    this.registry = new MetricRegistry(thresholds)
    this.windows = thresholds.filter((d) => d.parsed.windowMs !== undefined).map((d) => new WindowTracker(d))
  }

  recordIteration(planned: number, start: number, end: number, failed: boolean, error: unknown): void {
    if (end >= this.nextBoundary) this.rollover(end)
    this.secLatency.recordValue(us(end - planned))
    this.secService.recordValue(us(end - start))
    this.secIterations++
    if (failed) {
      this.secErrors++
      this.errors.add(error)
    }
  }

  recordDropped(now: number): void {
    if (now >= this.nextBoundary) this.rollover(now)
    this.secDropped++
  }

  /** Closes every whole second up to `now`, also when no iteration finishes (a stall). */
  rollover(now: number): void {
    while (now >= this.nextBoundary && this.endedAt === undefined) this.closeSecond(1000)
  }

  finish(end: number): void {
    this.rollover(end)
    const partial = end - (this.nextBoundary - 1000)
    if (partial > 0 || this.timeline.length === 0) this.closeSecond(Math.max(partial, 0.001))
    this.endedAt = end
    for (const w of this.windows) w.finish()
  }

  get elapsedMs(): number {
    return (this.endedAt ?? this.nextBoundary - 1000) - this.t0
  }

  private closeSecond(ms: number): void {
    this.commit({ latency: this.secLatency, serviceTime: this.secService, iterations: this.secIterations, errors: this.secErrors, dropped: this.secDropped, ms }, this.vusNow())
    this.secLatency.reset()
    this.secService.reset()
    this.secIterations = this.secErrors = this.secDropped = 0
  }

  /**
   * Adds one second measured elsewhere (worker threads, drivers): their histograms merged and
   * counts summed. The coordinator of a sharded run feeds its recorder this way only.
   */
  addSecond(data: SecondData, vus: number): void {
    if (this.endedAt !== undefined) return
    this.commit(data, vus)
  }

  /** Ends a recorder fed by addSecond(): no second is closed from its own (empty) counters. */
  markEnded(end: number): void {
    this.endedAt = end
    for (const w of this.windows) w.finish()
  }

  private commit(data: SecondData, vus: number): void {
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
    this.onPoint?.(this.timeline[this.timeline.length - 1], data.latency, data.serviceTime)
    this.latency.add(data.latency)
    this.serviceTime.add(data.serviceTime)
    this.iterations += data.iterations
    this.failed += data.errors
    this.dropped += data.dropped
    for (const w of this.windows) if (!w.feed(data)) this.onWindowFail?.(w)
    this.second++
    this.nextBoundary += 1000
    this.onSecond?.(this.second)
  }

  /** Built-in or custom metric as thresholds see it, over the seconds closed so far. */
  snapshot(key: string): MetricSnapshot | undefined {
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
