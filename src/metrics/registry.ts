import { PerfError } from '../errors.ts'
import { metricKey } from '../thresholds/parse.ts'
import { createHistogram, decodeHistogram, encodeHistogram, summarize, trendStats, type Histogram } from './histogram.ts'
import type { CustomMetricResult } from './result.ts'
import type { MetricSnapshot, MetricType } from './snapshot.ts'

export type Tags = Record<string, string>

type Metric =
  | { type: 'trend'; name: string; tags: Tags; hist: Histogram }
  | { type: 'counter'; name: string; tags: Tags; count: number }
  | { type: 'rate'; name: string; tags: Tags; trues: number; total: number }
  | { type: 'gauge'; name: string; tags: Tags; value: number; min: number; max: number }

/** Names the engine records itself; custom metrics may not reuse them. */
export const BUILTIN_NAMES = new Set(['latency', 'service_time', 'errors', 'iterations', 'dropped', 'throughput'])

function isSubset(sub: Tags, tags: Tags): boolean {
  for (const k in sub) if (tags[k] !== sub[k]) return false
  return true
}

/**
 * Custom metrics (ctx.counter/rate/trend/gauge) and step timers. A tagged sample goes to the
 * untagged parent, to its exact tag set, and to every sub-metric a threshold declared whose
 * tags it carries, as k6 does.
 */
export class MetricRegistry {
  private readonly metrics = new Map<string, Metric>()
  private readonly types = new Map<string, MetricType>()
  private readonly declared = new Map<string, { key: string; tags: Tags }[]>()
  private readonly steps = new Map<string, { all: Tags; key: string }>()
  private readonly frozenKeys = new WeakMap<Tags, Map<string, string>>()

  constructor(declaredKeys: { metric: string; name: string; tags: Tags }[] = []) {
    for (const d of declaredKeys) {
      if (Object.keys(d.tags).length === 0) continue
      const list = this.declared.get(d.name) ?? []
      if (!list.some((x) => x.key === d.metric)) list.push({ key: d.metric, tags: d.tags })
      this.declared.set(d.name, list)
    }
  }

  add(type: MetricType, name: string, value: number, tags?: Tags): void {
    if (BUILTIN_NAMES.has(name)) {
      throw new PerfError('PERF_METRIC_INVALID', `Custom metric name "${name}" is taken by a built-in metric; pick another name (built-ins: ${[...BUILTIN_NAMES].join(', ')}).`)
    }
    this.record(type, name, value, tags)
  }

  /** A step timed with ctx.time(): kept as the sub-metric latency{step:NAME} only. */
  addStep(step: string, ms: number, tags?: Tags): void {
    let all: Tags
    let key: string
    const known = tags === undefined ? this.steps.get(step) : undefined
    if (known) ({ all, key } = known)
    else {
      all = { ...tags, step }
      key = metricKey('latency', all)
      if (tags === undefined) this.steps.set(step, { all, key })
    }
    this.put('trend', key, 'latency', all, ms)
    for (const d of this.declared.get('latency') ?? []) {
      if (d.key !== key && isSubset(d.tags, all)) this.put('trend', d.key, 'latency', d.tags, ms)
    }
  }

  /**
   * The canonical key of a tagged sample. Building it sorts and joins the tags, which is the
   * registry's main cost per sample: keys of frozen (so unchanging) tag objects are kept.
   */
  private keyFor(name: string, tags: Tags): string {
    if (!Object.isFrozen(tags)) return metricKey(name, tags)
    let byName = this.frozenKeys.get(tags)
    if (!byName) this.frozenKeys.set(tags, (byName = new Map()))
    let key = byName.get(name)
    if (key === undefined) byName.set(name, (key = metricKey(name, tags)))
    return key
  }

  private record(type: MetricType, name: string, value: number, tags?: Tags): void {
    const known = this.types.get(name)
    if (known !== undefined && known !== type) {
      throw new PerfError('PERF_METRIC_INVALID', `Metric "${name}" was first recorded as a ${known} and now as a ${type}; use one type per metric name.`)
    }
    this.types.set(name, type)
    this.put(type, name, name, {}, value)
    if (tags === undefined) return
    const exact = this.keyFor(name, tags)
    if (exact !== name) this.put(type, exact, name, tags, value)
    for (const d of this.declared.get(name) ?? []) {
      if (d.key !== exact && isSubset(d.tags, tags)) this.put(type, d.key, name, d.tags, value)
    }
  }

  private put(type: MetricType, key: string, name: string, tags: Tags, value: number): void {
    let m = this.metrics.get(key)
    if (m === undefined) {
      m = newMetric(type, name, tags)
      this.metrics.set(key, m)
    }
    switch (m.type) {
      case 'trend':
        m.hist.recordValue(Math.max(0, Math.round(value * 1000)))
        break
      case 'counter':
        m.count += value
        break
      case 'rate':
        m.total++
        if (value) m.trues++
        break
      case 'gauge':
        m.value = value
        if (value < m.min) m.min = value
        if (value > m.max) m.max = value
        break
    }
  }

  /**
   * Folds in custom metrics measured elsewhere (worker threads, drivers): trend histograms
   * merged, counters and rates summed, gauges keep the latest value with min and max over all.
   */
  absorb(metrics: Record<string, CustomMetricResult>): void {
    for (const [key, r] of Object.entries(metrics)) {
      if (!this.types.has(r.name) && r.name !== 'latency') this.types.set(r.name, r.type)
      let m = this.metrics.get(key)
      if (m === undefined) this.metrics.set(key, (m = newMetric(r.type, r.name, r.tags)))
      if (m.type === 'trend' && r.type === 'trend') {
        const h = decodeHistogram(r.histogram)
        m.hist.add(h)
        h.destroy()
      } else if (m.type === 'counter' && r.type === 'counter') m.count += r.count
      else if (m.type === 'rate' && r.type === 'rate') {
        m.trues += r.trues
        m.total += r.total
      } else if (m.type === 'gauge' && r.type === 'gauge') {
        m.value = r.value
        m.min = Math.min(m.min, r.min)
        m.max = Math.max(m.max, r.max)
      }
    }
  }

  snapshot(key: string, elapsedMs: number): MetricSnapshot | undefined {
    const m = this.metrics.get(key)
    if (m === undefined) return undefined
    switch (m.type) {
      case 'trend':
        return { type: 'trend', stats: trendStats(m.hist) }
      case 'counter':
        return { type: 'counter', count: m.count, perSecond: elapsedMs > 0 ? (m.count * 1000) / elapsedMs : 0 }
      case 'rate':
        return { type: 'rate', trues: m.trues, total: m.total }
      case 'gauge':
        return { type: 'gauge', value: m.value, min: m.min, max: m.max }
    }
  }

  toResult(elapsedMs: number): Record<string, CustomMetricResult> {
    const out: Record<string, CustomMetricResult> = {}
    for (const [key, m] of this.metrics) {
      const base = { name: m.name, tags: m.tags }
      if (m.type === 'trend') out[key] = { type: 'trend', ...base, summary: summarize(m.hist), histogram: encodeHistogram(m.hist) }
      else if (m.type === 'counter') out[key] = { type: 'counter', ...base, count: m.count, rate: elapsedMs > 0 ? (m.count * 1000) / elapsedMs : 0 }
      else if (m.type === 'rate') out[key] = { type: 'rate', ...base, trues: m.trues, total: m.total, rate: m.total ? m.trues / m.total : 0 }
      else out[key] = { type: 'gauge', ...base, value: m.value, min: m.min, max: m.max }
    }
    return out
  }

  destroy(): void {
    for (const m of this.metrics.values()) if (m.type === 'trend') m.hist.destroy()
    this.metrics.clear()
  }
}

function newMetric(type: MetricType, name: string, tags: Tags): Metric {
  switch (type) {
    case 'trend':
      return { type, name, tags, hist: createHistogram() }
    case 'counter':
      return { type, name, tags, count: 0 }
    case 'rate':
      return { type, name, tags, trues: 0, total: 0 }
    case 'gauge':
      return { type, name, tags, value: 0, min: Infinity, max: -Infinity }
  }
}
