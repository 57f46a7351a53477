import { PerfError } from '../core/errors.ts'
import { metricKey, SCENARIO_TAG } from '../core/metric-key.ts'
import { createHistogram, decodeHistogram, encodeHistogram, summarize, trendStats, type Histogram } from './histogram.ts'
import type { CustomMetricResult } from '../core/result.ts'
import type { MetricSnapshot, MetricType } from '../core/metric-snapshot.ts'

export type Tags = Record<string, string>

/** A tagged sub-metric a threshold declared (`latency{step:checkout}`): samples carrying its tags fill it. */
export interface SubMetric {
  /** Canonical key, tags sorted. */
  metric: string
  name: string
  tags: Tags
}

export type Metric =
  | { type: 'trend'; name: string; tags: Tags; hist: Histogram }
  | { type: 'counter'; name: string; tags: Tags; count: number }
  | { type: 'rate'; name: string; tags: Tags; trues: number; total: number }
  | { type: 'gauge'; name: string; tags: Tags; value: number; min: number; max: number }

/** Names the engine records itself; custom metrics may not reuse them. */
export const BUILTIN_NAMES = new Set(['latency', 'service_time', 'errors', 'iterations', 'dropped', 'throughput'])

function checkName(name: string): void {
  if (BUILTIN_NAMES.has(name)) {
    throw new PerfError(
      'PERF_METRIC_INVALID',
      `Custom metric name "${name}" is taken by a built-in metric; pick another name (built-ins: ${[...BUILTIN_NAMES].join(', ')}).`,
    )
  }
}

function recordInto(m: Metric, value: number): void {
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
 * One metric name with one tag set of one registry, resolved once (MetricRegistry.series()):
 * record() updates the run's series first (a scenario's registry forwards to the run's), then
 * the untagged metric, the exact tag set and every declared sub-metric the tags match.
 */
export class MetricSeries {
  readonly type: MetricType
  readonly name: string
  private readonly tags: Tags | undefined
  private readonly registry: MetricRegistry
  private readonly parent: MetricSeries | undefined
  /** Resolved by the first sample, so the metrics appear in the result only once recorded. */
  private targets: Metric[] | undefined

  constructor(registry: MetricRegistry, type: MetricType, name: string, tags: Tags | undefined, parent: MetricSeries | undefined) {
    this.registry = registry
    this.type = type
    this.name = name
    this.tags = tags
    this.parent = parent
  }

  record(value: number): void {
    if (this.parent !== undefined) this.parent.record(value)
    const targets = (this.targets ??= this.registry.resolveSeries(this.type, this.name, this.tags))
    for (let i = 0; i < targets.length; i++) recordInto(targets[i], value)
  }

  /** The registry was destroyed (its histograms freed): later samples are dropped. */
  close(): void {
    this.targets = []
  }
}

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
  private readonly plainSeries = new Map<string, MetricSeries>()
  private taggedSeries = new WeakMap<Tags, Map<string, MetricSeries>>()
  private readonly allSeries: MetricSeries[] = []
  /** A scenario's registry forwards every sample to the run's, so the run's metrics hold all of them. */
  private readonly parent: MetricRegistry | undefined

  constructor(declaredKeys: SubMetric[] = [], parent?: MetricRegistry) {
    this.parent = parent
    for (const d of declaredKeys) {
      if (Object.keys(d.tags).length === 0) continue
      const list = this.declared.get(d.name) ?? []
      if (!list.some((x) => x.key === d.metric)) list.push({ key: d.metric, tags: d.tags })
      this.declared.set(d.name, list)
    }
  }

  add(type: MetricType, name: string, value: number, tags?: Tags): void {
    // Untagged and frozen tag sets (checks, HTTP endpoints) are resolved once into a series;
    // other tag objects may change between calls, so they take the full path every time.
    if (tags === undefined || Object.isFrozen(tags)) return this.series(type, name, tags).record(value)
    checkName(name)
    // The run's first: a type clash with another scenario's samples throws before any is kept.
    this.parent?.add(type, name, value, tags)
    this.record(type, name, value, tags)
  }

  /**
   * The series of `name` with `tags` (which must not change afterwards): what `add()` does for a
   * sample, resolved once, so a caller that records the same metric often keeps it and calls
   * `record()` without lookups. Its metrics are created by the first sample, as with `add()`.
   */
  series(type: MetricType, name: string, tags?: Tags): MetricSeries {
    let byName = this.plainSeries
    if (tags !== undefined) {
      byName = this.taggedSeries.get(tags) ?? new Map()
      if (byName.size === 0) this.taggedSeries.set(tags, byName)
    }
    const known = byName.get(name)
    if (known !== undefined && known.type === type) return known
    checkName(name)
    const created = new MetricSeries(this, type, name, tags, this.parent?.series(type, name, tags))
    // A series of another type than the first stays uncached: its first sample throws the clash.
    if (known === undefined) {
      byName.set(name, created)
      this.allSeries.push(created)
    }
    return created
  }

  /** The metrics a series' samples go to, in the order add() creates them; checks the type. */
  resolveSeries(type: MetricType, name: string, tags: Tags | undefined): Metric[] {
    this.checkType(type, name)
    const targets = [this.metricFor(type, name, name, {})]
    if (tags === undefined) return targets
    const exact = this.keyFor(name, tags)
    if (exact !== name) targets.push(this.metricFor(type, exact, name, tags))
    for (const d of this.declared.get(name) ?? []) {
      if (d.key !== exact && isSubset(d.tags, tags)) targets.push(this.metricFor(type, d.key, name, d.tags))
    }
    return targets
  }

  /** A step timed with ctx.time(): kept as the sub-metric latency{step:NAME} only. */
  addStep(step: string, ms: number, tags?: Tags): void {
    this.parent?.addStep(step, ms, tags)
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

  private checkType(type: MetricType, name: string): void {
    const known = this.types.get(name)
    if (known !== undefined && known !== type) {
      throw new PerfError(
        'PERF_METRIC_INVALID',
        `Metric "${name}" was first recorded as a ${known} and now as a ${type}; use one type per metric name.`,
      )
    }
    this.types.set(name, type)
  }

  private record(type: MetricType, name: string, value: number, tags?: Tags): void {
    this.checkType(type, name)
    this.put(type, name, name, {}, value)
    if (tags === undefined) return
    const exact = this.keyFor(name, tags)
    if (exact !== name) this.put(type, exact, name, tags, value)
    for (const d of this.declared.get(name) ?? []) {
      if (d.key !== exact && isSubset(d.tags, tags)) this.put(type, d.key, name, d.tags, value)
    }
  }

  private metricFor(type: MetricType, key: string, name: string, tags: Tags): Metric {
    let m = this.metrics.get(key)
    if (m === undefined) {
      m = newMetric(type, name, tags)
      this.metrics.set(key, m)
    }
    return m
  }

  private put(type: MetricType, key: string, name: string, tags: Tags, value: number): void {
    recordInto(this.metricFor(type, key, name, tags), value)
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
      else if (m.type === 'counter')
        out[key] = { type: 'counter', ...base, count: m.count, rate: elapsedMs > 0 ? (m.count * 1000) / elapsedMs : 0 }
      else if (m.type === 'rate')
        out[key] = { type: 'rate', ...base, trues: m.trues, total: m.total, rate: m.total ? m.trues / m.total : 0 }
      else out[key] = { type: 'gauge', ...base, value: m.value, min: m.min, max: m.max }
    }
    return out
  }

  destroy(): void {
    for (const m of this.metrics.values()) if (m.type === 'trend') m.hist.destroy()
    this.metrics.clear()
    // Callers may still hold series (an iteration abandoned at the hard stop): their samples go nowhere.
    for (const series of this.allSeries) series.close()
    this.allSeries.length = 0
    this.plainSeries.clear()
    this.taggedSeries = new WeakMap()
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

/**
 * The sub-metrics a scenario's registry fills: those the thresholds declared for this scenario
 * (`db{scenario:checkout,table:orders}`, kept as `db{table:orders}`) and those for no scenario.
 */
export function scenarioSubMetrics(declared: readonly SubMetric[], scenario: string): SubMetric[] {
  const out: SubMetric[] = []
  for (const d of declared) {
    if (!Object.hasOwn(d.tags, SCENARIO_TAG)) out.push(d)
    else if (d.tags[SCENARIO_TAG] === scenario) {
      const { [SCENARIO_TAG]: _scenario, ...tags } = d.tags
      out.push({ metric: metricKey(d.name, tags), name: d.name, tags })
    }
  }
  return out
}

/** The sub-metrics of a run with scenarios itself: a scenario's samples never reach a key tagged with a scenario there. */
export function runSubMetrics(declared: readonly SubMetric[]): SubMetric[] {
  return declared.filter((d) => !Object.hasOwn(d.tags, SCENARIO_TAG))
}
