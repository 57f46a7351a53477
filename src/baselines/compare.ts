import type { RepetitionSummary } from './repetitions.ts'
import { bootstrapRelativeChange, mannWhitneyU, median } from './stats.ts'

export type Severity = 'minor' | 'major' | 'critical'
export type Verdict = 'PASS' | 'IMPROVEMENT' | 'REGRESSION' | 'INCONCLUSIVE'

export interface SeverityLevels {
  /** Below this change a metric PASSes whatever the test says: run-to-run noise. */
  floor: number
  minor: number
  major: number
  critical: number
}

export interface CompareOptions {
  /** Significance level of the rank test. */
  alpha?: number
  /** Relative changes (absolute for errorRate) at which a significant change is minor/major/critical. */
  severity?: Partial<SeverityLevels>
  /** Per metric overrides, e.g. { 'latency.p99': { minor: 0.1 } }. */
  metrics?: Partial<Record<MetricName, Partial<SeverityLevels>>>
  /** Metrics to judge; defaults to latency p50/p95/p99, error rate, and throughput for closed models. */
  only?: MetricName[]
  /** Divide latencies by this factor before comparing (environment normalisation). */
  latencyScale?: number
}

export type MetricName = 'latency.p50' | 'latency.p95' | 'latency.p99' | 'latency.mean' | 'throughput' | 'errorRate'

interface MetricSpec {
  get: (r: RepetitionSummary) => number
  better: 'lower' | 'higher'
  /** errorRate compares absolute differences (rates near 0 make ratios meaningless). */
  absolute?: boolean
  unit: 'ms' | '/s' | '%'
}

const SPECS: Record<MetricName, MetricSpec> = {
  'latency.p50': { get: (r) => r.latency.p50, better: 'lower', unit: 'ms' },
  'latency.p95': { get: (r) => r.latency.p95, better: 'lower', unit: 'ms' },
  'latency.p99': { get: (r) => r.latency.p99, better: 'lower', unit: 'ms' },
  'latency.mean': { get: (r) => r.latency.mean, better: 'lower', unit: 'ms' },
  throughput: { get: (r) => r.throughput, better: 'higher', unit: '/s' },
  errorRate: { get: (r) => r.errorRate, better: 'lower', absolute: true, unit: '%' },
}

const RELATIVE_DEFAULTS: SeverityLevels = { floor: 0.02, minor: 0.05, major: 0.1, critical: 0.25 }
const ABSOLUTE_DEFAULTS: SeverityLevels = { floor: 0.005, minor: 0.01, major: 0.05, critical: 0.1 }

export interface MetricComparison {
  metric: MetricName
  verdict: Verdict
  severity?: Severity
  baseline: number
  current: number
  /** Relative change of medians (absolute for errorRate); positive means the value went up. */
  change: number
  interval: { low: number; high: number }
  p: number
  unit: MetricSpec['unit']
  absolute: boolean
}

export interface BaselineComparison {
  verdict: Verdict
  severity?: Severity
  metrics: MetricComparison[]
  repetitions: { baseline: number; current: number }
  alpha: number
  recommendations: string[]
  notes: string[]
  /** The baseline's latency over all its repetitions (encoded HDR, µs), for overlays in reports. */
  latencyHistogram?: string
}

const ORDER: Severity[] = ['minor', 'major', 'critical']

/** The default metrics: open models fix throughput by their schedule, so it is judged only for closed ones. */
export function defaultMetrics(executor: string): MetricName[] {
  const open = executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate'
  return ['latency.p50', 'latency.p95', 'latency.p99', 'errorRate', ...(open ? [] : (['throughput'] as MetricName[]))]
}

function judge(metric: MetricName, base: number[], cur: number[], alpha: number, levels: SeverityLevels): MetricComparison {
  const spec = SPECS[metric]
  const mb = median(base)
  const mc = median(cur)
  const absolute = spec.absolute === true
  const change = absolute ? mc - mb : mb === 0 ? (mc === 0 ? 0 : Infinity) : mc / mb - 1
  const interval = absolute
    ? { low: Math.min(...cur) - Math.max(...base), high: Math.max(...cur) - Math.min(...base) }
    : mb === 0
      ? { low: change, high: change }
      : bootstrapRelativeChange(base, cur)
  const { p } = mannWhitneyU(cur, base)
  const worse = spec.better === 'lower' ? change > 0 : change < 0
  const magnitude = Math.abs(change)
  const base_ = { metric, baseline: mb, current: mc, change, interval: { low: interval.low, high: interval.high }, p, unit: spec.unit, absolute }
  const significant = p < alpha
  if (magnitude < levels.floor) return { ...base_, verdict: 'PASS' }
  // Between the floor and a minor change: only a significant worsening is worth another look.
  if (magnitude < levels.minor) return { ...base_, verdict: significant && worse ? 'INCONCLUSIVE' : 'PASS' }
  if (!significant) return { ...base_, verdict: 'INCONCLUSIVE' }
  // The interval's end nearest zero: how large the change surely is. A noisy tail must neither
  // overstate the effect nor pass for a change when its interval reaches into the noise.
  const sure = Math.sign(change) === Math.sign(change > 0 ? interval.low : interval.high) ? Math.min(magnitude, Math.abs(change > 0 ? interval.low : interval.high)) : 0
  if (sure < levels.floor) return { ...base_, verdict: 'INCONCLUSIVE' }
  if (!worse) return { ...base_, verdict: 'IMPROVEMENT' }
  const severity: Severity = sure >= levels.critical ? 'critical' : sure >= levels.major ? 'major' : 'minor'
  return { ...base_, verdict: 'REGRESSION', severity }
}

/**
 * Compares repetitions of a run with those of its baseline, metric by metric. Below the noise
 * floor (2 %) a metric passes. A change counts only when the rank test finds it significant AND it
 * reaches the minor level (5 %): REGRESSION or IMPROVEMENT, the severity read from the end of the
 * bootstrap interval nearest zero. INCONCLUSIVE: a change of 5 % or more that is not significant,
 * or a significant worsening between the floor and 5 %.
 */
export function compareRepetitions(baseline: RepetitionSummary[], current: RepetitionSummary[], executor: string, options: CompareOptions = {}): BaselineComparison {
  const alpha = options.alpha ?? 0.01
  const scale = options.latencyScale ?? 1
  const metrics = (options.only ?? defaultMetrics(executor)).map((metric) => {
    const spec = SPECS[metric]
    const defaults = spec.absolute ? ABSOLUTE_DEFAULTS : RELATIVE_DEFAULTS
    const levels = { ...defaults, ...(spec.absolute ? {} : options.severity), ...options.metrics?.[metric] }
    const scaled = (r: RepetitionSummary) => (spec.unit === 'ms' ? spec.get(r) / scale : spec.get(r))
    return judge(metric, baseline.map(spec.get), current.map(scaled), alpha, levels)
  })
  const regressions = metrics.filter((m) => m.verdict === 'REGRESSION')
  const severity = regressions.length ? ORDER[Math.max(...regressions.map((m) => ORDER.indexOf(m.severity!)))] : undefined
  const verdict: Verdict = regressions.length ? 'REGRESSION' : metrics.some((m) => m.verdict === 'INCONCLUSIVE') ? 'INCONCLUSIVE' : metrics.some((m) => m.verdict === 'IMPROVEMENT') ? 'IMPROVEMENT' : 'PASS'
  const notes: string[] = []
  const minReps = Math.min(baseline.length, current.length)
  if (minReps < 4) notes.push(`only ${minReps} repetition${minReps === 1 ? '' : 's'} on one side: with fewer than 4 no change can be significant at alpha ${alpha}; use run(…, { repeat: 5 })`)
  return { verdict, ...(severity ? { severity } : {}), metrics, repetitions: { baseline: baseline.length, current: current.length }, alpha, recommendations: recommend(metrics), notes }
}

function recommend(metrics: MetricComparison[]): string[] {
  const moved = (name: MetricName) => metrics.find((m) => m.metric === name && m.verdict === 'REGRESSION')
  const flat = (name: MetricName) => metrics.find((m) => m.metric === name && m.verdict === 'PASS')
  // Worse by at least the noise floor, significant or not: enough to describe the shape of a change.
  const worse = (name: MetricName) => metrics.find((m) => m.metric === name && (m.verdict === 'REGRESSION' || (m.verdict === 'INCONCLUSIVE' && (SPECS[name].better === 'lower' ? m.change > 0 : m.change < 0))))
  const out: string[] = []
  if ((moved('latency.p99') || moved('latency.p95')) && flat('latency.p50')) {
    out.push('the tail moved but the median did not: look at tail causes such as GC pauses, lock waits, connection-pool queueing or retries')
  }
  if (moved('latency.p50') && worse('latency.p99')) out.push('all percentiles moved together: a constant extra cost per iteration, such as an added query or a slower code path')
  if (moved('throughput')) out.push('throughput fell: a saturated resource (CPU, pool size, database) or a slower iteration; compare resource usage between the runs')
  if (moved('errorRate')) out.push('more iterations failed: read errors.byKind in the result for the kinds that grew')
  return out
}
