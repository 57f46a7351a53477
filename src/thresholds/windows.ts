import type { ThresholdDef } from './define.ts'
import { evaluateThreshold } from './evaluate.ts'
import { createHistogram, trendStats, type Histogram } from '../metrics/histogram.ts'
import type { MetricSnapshot } from '../core/metric-snapshot.ts'
import type { SecondData } from '../metrics/recorder.ts'

/**
 * Evaluates a windowed threshold ("p(95)<200 over 10s") on consecutive windows of whole
 * seconds: it must hold in every window, not only over the whole run.
 */
export class WindowTracker {
  readonly def: ThresholdDef
  readonly seconds: number
  failed = 0
  total = 0
  worst: number | null = null
  private hist: Histogram | undefined
  private iterations = 0
  private errors = 0
  private dropped = 0
  private ms = 0
  private minTp = Infinity
  private maxTp = -Infinity
  private filled = 0

  constructor(def: ThresholdDef) {
    this.def = def
    this.seconds = Math.max(1, Math.round((def.parsed.windowMs ?? 1000) / 1000))
    if (def.metric === 'latency' || def.metric === 'service_time') this.hist = createHistogram()
  }

  /** Feeds one second; returns false when a window just closed and failed. */
  feed(second: SecondData): boolean {
    if (this.hist) this.hist.add(this.def.metric === 'latency' ? second.latency : second.serviceTime)
    this.iterations += second.iterations
    this.errors += second.errors
    this.dropped += second.dropped
    this.ms += second.ms
    const tp = (second.iterations * 1000) / second.ms
    if (tp < this.minTp) this.minTp = tp
    if (tp > this.maxTp) this.maxTp = tp
    this.filled++
    return this.ms >= this.seconds * 1000 ? this.close() : true
  }

  /** Closes the last, partial window when it covers at least half a window (or is the only one). */
  finish(): void {
    if (this.filled > 0 && (this.ms * 2 >= this.seconds * 1000 || this.total === 0)) this.close()
    this.hist?.destroy()
  }

  private close(): boolean {
    const outcome = evaluateThreshold(this.def, this.snapshot())
    this.total++
    if (!outcome.ok) {
      this.failed++
      if (outcome.actual !== null) {
        const lower = this.def.parsed.op === '<' || this.def.parsed.op === '<='
        if (this.worst === null || (lower ? outcome.actual > this.worst : outcome.actual < this.worst)) this.worst = outcome.actual
      }
    }
    this.hist?.reset()
    this.iterations = this.errors = this.dropped = this.ms = this.filled = 0
    this.minTp = Infinity
    this.maxTp = -Infinity
    return outcome.ok
  }

  private snapshot(): MetricSnapshot {
    if (this.hist) return { type: 'trend', stats: trendStats(this.hist) }
    const { iterations, errors, dropped, ms, minTp, maxTp } = this
    return windowCounts(this.def.metric, { iterations, errors, dropped, ms, minTp, maxTp })
  }
}

/** What a window counted; throughput min/max are over its whole seconds. */
export interface WindowCounts {
  iterations: number
  errors: number
  dropped: number
  ms: number
  minTp: number
  maxTp: number
}

/** A counted built-in metric (errors, iterations, dropped, throughput) over one window. */
export function windowCounts(metric: string, c: WindowCounts): MetricSnapshot {
  switch (metric) {
    case 'errors':
      return { type: 'rate', trues: c.errors, total: c.iterations }
    case 'dropped':
      return { type: 'counter', count: c.dropped, perSecond: (c.dropped * 1000) / c.ms }
    case 'throughput':
      return { type: 'gauge', value: (c.iterations * 1000) / c.ms, min: c.minTp, max: c.maxTp }
    default:
      return { type: 'counter', count: c.iterations, perSecond: (c.iterations * 1000) / c.ms }
  }
}
