import { decodeHistogram, trendStats, type Histogram } from './histogram.ts'
import { throughputSnapshot } from './recorder.ts'
import type { RunResult } from '../core/result.ts'
import type { MetricSnapshot } from '../core/metric-snapshot.ts'
import { splitScenario } from '../core/metric-key.ts'

/** What the totals of a run and each of its scenarios both hold. */
type Measured = Pick<RunResult, 'histograms' | 'failed' | 'iterations' | 'throughput' | 'dropped' | 'durationMs' | 'timeline' | 'metrics'>

/**
 * Metric views over a finished RunResult, for thresholds checked after the run. Histograms are
 * decoded on demand; call dispose() when done.
 */
export class ResultSnapshots {
  private readonly decoded: Histogram[] = []
  private readonly cache = new Map<string, MetricSnapshot | undefined>()
  private readonly result: RunResult

  constructor(result: RunResult) {
    this.result = result
  }

  /** Each metric once: several thresholds on `latency` share one decoded histogram. */
  get(key: string): MetricSnapshot | undefined {
    if (!this.cache.has(key)) this.cache.set(key, this.read(key))
    return this.cache.get(key)
  }

  private read(key: string): MetricSnapshot | undefined {
    const scenarios = this.result.scenarios
    const split = scenarios ? splitScenario(key) : undefined
    if (scenarios && split) return Object.hasOwn(scenarios, split.scenario) ? this.readOf(scenarios[split.scenario], split.key) : undefined
    return this.readOf(this.result, key)
  }

  /** A key of the run's totals, or of one scenario's (its keys without the scenario tag). */
  private readOf(r: Measured, key: string): MetricSnapshot | undefined {
    switch (key) {
      case 'latency':
        return this.trend(r.histograms.latency)
      case 'service_time':
        return this.trend(r.histograms.serviceTime)
      case 'errors':
        return { type: 'rate', trues: r.failed, total: r.iterations }
      case 'iterations':
        return { type: 'counter', count: r.iterations, perSecond: r.throughput }
      case 'dropped':
        return { type: 'counter', count: r.dropped, perSecond: r.durationMs > 0 ? (r.dropped * 1000) / r.durationMs : 0 }
      case 'throughput':
        return throughputSnapshot(r.timeline, r.iterations, r.durationMs)
    }
    const m = Object.hasOwn(r.metrics, key) ? r.metrics[key] : undefined
    if (m === undefined) return undefined
    switch (m.type) {
      case 'trend':
        return this.trend(m.histogram)
      case 'counter':
        return { type: 'counter', count: m.count, perSecond: m.rate }
      case 'rate':
        return { type: 'rate', trues: m.trues, total: m.total }
      case 'gauge':
        return { type: 'gauge', value: m.value, min: m.min, max: m.max }
    }
  }

  private trend(encoded: string): MetricSnapshot {
    const h = decodeHistogram(encoded)
    this.decoded.push(h)
    return { type: 'trend', stats: trendStats(h) }
  }

  dispose(): void {
    for (const h of this.decoded) h.destroy()
    this.decoded.length = 0
    this.cache.clear()
  }
}
