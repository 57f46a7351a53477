import { decodeHistogram, trendStats, type Histogram } from './histogram.ts'
import { throughputSnapshot } from './recorder.ts'
import type { RunResult } from './result.ts'
import type { MetricSnapshot } from './snapshot.ts'

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
    const r = this.result
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
    const m = r.metrics[key]
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
