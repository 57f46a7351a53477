import type { RepetitionSummary } from '../core/result.ts'
import { bootstrapRelativeChange, mannWhitneyU, median, robustCv, robustSpread } from '../core/stats.ts'
import { driftReason, heldBy, machineDrift, normalizable } from './drift.ts'
import { detectableChange, repetitionsNeeded } from './power.ts'
import type { Severity, Verdict, MetricName, MetricComparison, BaselineComparison, MachineDrift } from '../core/result.ts'

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
  /** Divide latencies (and multiply throughput) by this factor before comparing (environment normalisation). */
  latencyScale?: number
  /** The change whose detection the power notes plan for (default 0.1: 10 %; absolute for errorRate: 1 pp). */
  targetChange?: number
}

export interface MetricSpec {
  get: (r: RepetitionSummary) => number
  better: 'lower' | 'higher'
  /** errorRate compares absolute differences (rates near 0 make ratios meaningless). */
  absolute?: boolean
  unit: 'ms' | '/s' | '%' | 'cpu ms'
}

export const SPECS: Record<MetricName, MetricSpec> = {
  'latency.p50': { get: (r) => r.latency.p50, better: 'lower', unit: 'ms' },
  'latency.p95': { get: (r) => r.latency.p95, better: 'lower', unit: 'ms' },
  'latency.p99': { get: (r) => r.latency.p99, better: 'lower', unit: 'ms' },
  'latency.mean': { get: (r) => r.latency.mean, better: 'lower', unit: 'ms' },
  throughput: { get: (r) => r.throughput, better: 'higher', unit: '/s' },
  errorRate: { get: (r) => r.errorRate, better: 'lower', absolute: true, unit: '%' },
}

const RELATIVE_DEFAULTS: SeverityLevels = { floor: 0.02, minor: 0.05, major: 0.1, critical: 0.25 }
const ABSOLUTE_DEFAULTS: SeverityLevels = { floor: 0.005, minor: 0.01, major: 0.05, critical: 0.1 }

/**
 * CPU per iteration: its repetitions spread 3–7 % (robust CV) for a server and 5–14 % for the
 * test process on our loaded 2-core machines, and a busy neighbour core moved it by under 5 %
 * (latency p99 and the machine probe moved by 30 % and more): below 5 % is noise, from 10 % a
 * significant change is a regression (docs/baselines.md, "CPU per iteration").
 */
const CPU_DEFAULTS: SeverityLevels = { floor: 0.05, minor: 0.1, major: 0.2, critical: 0.5 }

/**
 * CPU per iteration against a committed baseline, recorded at another time: the floor is the minor
 * level, so a change counts only when its interval clears 10 %. The same code's app read 218 µs
 * per request in a block of baseline repetitions and 226–237 µs in the half hour after it, quiet or
 * not (bench:verdict:service), and 5 baseline repetitions' median is itself a few percent off.
 */
const CPU_ACROSS_TIME: SeverityLevels = { ...CPU_DEFAULTS, floor: CPU_DEFAULTS.minor }

const ORDER: Severity[] = ['minor', 'major', 'critical']

/**
 * A server's CPU per iteration is judged when it used at least this much CPU in the median
 * repetition: 20 ticks, so rounding to a tick is at most 5 %. Redis serving a cache read per
 * request used ~6 ticks in a 1.25 s repetition and left half the committed A/A comparisons of
 * bench:verdict:service INCONCLUSIVE on cpu.redis.
 */
export const MIN_SERVER_CPU_MS = 200

/** The spec of a metric; `cpu.process` and `cpu.<service>` read CPU ms per iteration (NaN when missing). */
export function specOf(metric: MetricName): MetricSpec {
  if (!metric.startsWith('cpu.')) return SPECS[metric]
  const name = metric.slice(4)
  const get = (r: RepetitionSummary) => (name === 'process' ? r.cpuPerIteration?.process : r.cpuPerIteration?.servers?.[name]) ?? NaN
  return { get, better: 'lower', unit: 'cpu ms' }
}

/**
 * The CPU metrics both sides measured in every repetition (the test process, then each server),
 * and a note for each that only one side has: older baselines have no CPU readings. `paired`
 * words the notes for a base and a head instead of a baseline and a run.
 */
export function cpuMetrics(
  baseline: RepetitionSummary[],
  current: RepetitionSummary[],
  asked?: MetricName[],
  paired = false,
): { metrics: MetricName[]; notes: string[] } {
  const has = (reps: RepetitionSummary[], m: MetricName) => reps.length > 0 && reps.every((r) => Number.isFinite(specOf(m).get(r)))
  // A server's CPU is counted in 10 ms ticks: a few ticks a repetition is all rounding.
  const coarse = (m: MetricName) =>
    m !== 'cpu.process' && median([...baseline, ...current].map((r) => specOf(m).get(r) * r.iterations)) < MIN_SERVER_CPU_MS
  const seen = new Set<MetricName>()
  for (const r of [...baseline, ...current]) {
    if (r.cpuPerIteration) seen.add('cpu.process')
    for (const name of Object.keys(r.cpuPerIteration?.servers ?? {})) seen.add(`cpu.${name}`)
  }
  for (const m of asked ?? []) if (m.startsWith('cpu.')) seen.add(m)
  const metrics: MetricName[] = []
  const notes: string[] = []
  for (const m of seen) {
    if (asked && !asked.includes(m)) continue
    if (has(baseline, m) && has(current, m)) {
      if (!coarse(m)) metrics.push(m)
      else
        notes.push(
          `${m} not judged: the server used under ${MIN_SERVER_CPU_MS} ms of CPU a repetition, and Linux counts it in 10 ms ticks; longer repetitions give it more`,
        )
    } else if (paired)
      notes.push(
        `${m} not judged: the ${has(baseline, m) ? 'head' : 'base'} has no CPU per iteration for it in every repetition (a version of vitest-perf without it, or the process was not watched)`,
      )
    else
      notes.push(
        `${m} not judged: ${has(baseline, m) ? 'this run' : 'the baseline'} has no CPU per iteration for it${has(baseline, m) ? '' : ' (recorded before vitest-perf measured it, or the process was not watched); `vitest run -u` records it'}`,
      )
  }
  return { metrics, notes }
}

/** Noise, smallest detectable change and repetitions needed for the target change, for one metric. */
function power(spec: MetricSpec, base: number[], cur: number[], alpha: number, target: number) {
  const spread = spec.absolute ? robustSpread : robustCv
  const noise = Math.max(spread(base), spread(cur))
  if (!Number.isFinite(noise)) return {}
  const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v)
  return {
    noise: round(noise),
    detectable: round(detectableChange(noise, base.length, cur.length, alpha)),
    needed: repetitionsNeeded(noise, target, alpha),
  }
}

const isOpen = (executor: string) => executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate'

/**
 * The default metrics: open models fix throughput by their schedule, so it is judged only for
 * closed ones. A run with scenarios (`executor` 'scenarios', with its scenarios' executors) is
 * open when all of its scenarios are.
 */
export function defaultMetrics(executor: string, scenarios: readonly string[] = []): MetricName[] {
  const open = executor === 'scenarios' ? scenarios.length > 0 && scenarios.every(isOpen) : isOpen(executor)
  return ['latency.p50', 'latency.p95', 'latency.p99', 'errorRate', ...(open ? [] : (['throughput'] as MetricName[]))]
}

/** How the tables name a metric: `latency.p95`, or `latency.p95{scenario:checkout}` for one scenario's. */
export function metricLabel(m: Pick<MetricComparison, 'metric' | 'scenario'>): string {
  return m.scenario === undefined ? m.metric : `${m.metric}{scenario:${m.scenario}}`
}

/** The scenarios every repetition of both sides measured, each side's repetitions of it, and its executor. */
function scenarioSides(baseline: RepetitionSummary[], current: RepetitionSummary[]) {
  const names = Object.keys(current[0]?.scenarios ?? {})
  const all = [...baseline, ...current]
  return names
    .filter((name) => all.every((r) => r.scenarios !== undefined && Object.hasOwn(r.scenarios, name)))
    .map((name) => ({
      name,
      executor: current[0].scenarios![name].executor,
      // A scenario's summary has the fields the verdict reads; the rest (probe, CPU) is the run's.
      baseline: baseline.map((r) => r.scenarios![name] as unknown as RepetitionSummary),
      current: current.map((r) => r.scenarios![name] as unknown as RepetitionSummary),
    }))
}

function judge(metric: MetricName, base: number[], cur: number[], alpha: number, levels: SeverityLevels): MetricComparison {
  const spec = specOf(metric)
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
  const base_ = {
    metric,
    baseline: mb,
    current: mc,
    change,
    interval: { low: interval.low, high: interval.high },
    p,
    unit: spec.unit,
    absolute,
  }
  return { ...base_, ...levelVerdict(change, interval, p < alpha, worse, levels) }
}

/**
 * The verdict rules shared by compareRepetitions() and comparePaired(), from a metric's change,
 * its 95 % interval, whether the test found it significant and whether it is a worsening.
 */
export function levelVerdict(
  change: number,
  interval: { low: number; high: number },
  significant: boolean,
  worse: boolean,
  levels: SeverityLevels,
): { verdict: Verdict; severity?: Severity } {
  const magnitude = Math.abs(change)
  if (magnitude < levels.floor) return { verdict: 'PASS' }
  // Between the floor and a minor change: only a significant worsening is worth another look.
  if (magnitude < levels.minor) return { verdict: significant && worse ? 'INCONCLUSIVE' : 'PASS' }
  if (!significant) return { verdict: 'INCONCLUSIVE' }
  // The interval's end nearest zero: how large the change surely is. A noisy tail must neither
  // overstate the effect nor pass for a change when its interval reaches into the noise.
  const sure =
    Math.sign(change) === Math.sign(change > 0 ? interval.low : interval.high)
      ? Math.min(magnitude, Math.abs(change > 0 ? interval.low : interval.high))
      : 0
  if (sure < levels.floor) return { verdict: 'INCONCLUSIVE' }
  if (!worse) return { verdict: 'IMPROVEMENT' }
  const severity: Severity = sure >= levels.critical ? 'critical' : sure >= levels.major ? 'major' : 'minor'
  return { verdict: 'REGRESSION', severity }
}

/**
 * Compares repetitions of a run with those of its baseline, metric by metric. Below the noise
 * floor (2 %) a metric passes. A change counts only when the rank test finds it significant AND it
 * reaches the minor level (5 %): REGRESSION or IMPROVEMENT, the severity read from the end of the
 * bootstrap interval nearest zero. INCONCLUSIVE: a change of 5 % or more that is not significant,
 * or a significant worsening between the floor and 5 %.
 */
export function compareRepetitions(
  baseline: RepetitionSummary[],
  current: RepetitionSummary[],
  executor: string,
  options: CompareOptions = {},
  /** The sides ran interleaved (runAB), not at different times: CPU keeps its narrower floor. */
  interleaved = false,
): BaselineComparison {
  const alpha = options.alpha ?? 0.01
  const scale = options.latencyScale ?? 1
  const cpu = cpuMetrics(baseline, current, options.only)
  const scenarios = scenarioSides(baseline, current)
  const asked = options.only?.filter((m) => !m.startsWith('cpu.'))
  const names = [
    ...(asked ??
      defaultMetrics(
        executor,
        scenarios.map((s) => s.executor),
      )),
    ...cpu.metrics,
  ]
  const drift = machineDrift(baseline, current, alpha)
  // Timing metrics are held back when the machine itself moved and nothing normalised them; a
  // probe too unsteady to give a ratio, or other processes' load, cannot normalise either.
  const held = heldBy(drift, scale)
  const judgeAll = (list: MetricName[], base: RepetitionSummary[], cur: RepetitionSummary[], scenario?: string) =>
    list.map((metric): MetricComparison => {
      const spec = specOf(metric)
      const levels = metricLevels(metric, options, !interleaved)
      const scaled = (r: RepetitionSummary) =>
        spec.unit === 'ms' ? spec.get(r) / scale : spec.unit === '/s' ? spec.get(r) * scale : spec.get(r)
      const b = base.map(spec.get)
      const c = cur.map(scaled)
      const target = options.targetChange ?? (spec.absolute ? 0.01 : 0.1)
      return holdForDrift(
        { ...judge(metric, b, c, alpha, levels), ...(scenario !== undefined ? { scenario } : {}), ...power(spec, b, c, alpha, target) },
        held,
      )
    })
  // Each scenario is judged too, on its own executor's metrics: a regression of a small scenario
  // must not hide in the totals of a large one.
  const metrics = [
    ...judgeAll(names, baseline, current),
    ...scenarios.flatMap((s) => judgeAll(asked ?? defaultMetrics(s.executor), s.baseline, s.current, s.name)),
  ]
  const { verdict, severity } = overallVerdict(metrics)
  const notes: string[] = []
  const minReps = Math.min(baseline.length, current.length)
  if (minReps < 4)
    notes.push(
      `only ${minReps} repetition${minReps === 1 ? '' : 's'} on one side: with fewer than 4 no change can be significant at alpha ${alpha}; use run(…, { repeat: 5 })`,
    )
  notes.push(...cpu.notes)
  if (held && metrics.some((m) => m.reason))
    notes.push(
      `${driftReason(held)}: timing verdicts held back as INCONCLUSIVE (CPU per iteration is still judged)${normalizable(held) ? "; environment: 'normalize' scales by the probe instead" : ''}`,
    )
  else if (drift && drift.state !== 'steady')
    notes.push(
      `machine probe ×${drift.ratio.toFixed(2)} against the baseline (${drift.state})${scale !== 1 ? `: timings normalised by ${scale.toFixed(3)}` : ''}`,
    )
  notes.push(...powerNotes(metrics, options.targetChange, current))
  return {
    verdict,
    ...(severity ? { severity } : {}),
    metrics,
    repetitions: { baseline: baseline.length, current: current.length },
    alpha,
    recommendations: recommend(metrics.filter((m) => m.scenario === undefined)),
    notes,
    ...(drift ? { drift } : {}),
  }
}

/**
 * On a machine that moved, a timing metric's (latency, throughput) REGRESSION or IMPROVEMENT
 * becomes INCONCLUSIVE with the reason, whichever way the machine moved: on shared machines the
 * probe and latency do not even move the same way (a probe 46 % faster beside latency 27 % slower).
 * Everything else, CPU per iteration included, keeps its verdict.
 */
export function holdForDrift(judged: MetricComparison, held: MachineDrift | undefined): MetricComparison {
  const timing = judged.unit === 'ms' || judged.unit === '/s'
  if (!held || !timing || (judged.verdict !== 'REGRESSION' && judged.verdict !== 'IMPROVEMENT')) return judged
  const { severity: _severity, ...rest } = judged
  return { ...rest, verdict: 'INCONCLUSIVE', reason: driftReason(held) }
}

/** Which metrics could not see the target change, and how many repetitions (and how long) they would need. */
function powerNotes(metrics: MetricComparison[], target: number | undefined, current: RepetitionSummary[]): string[] {
  const short = metrics.filter((m) => m.needed !== undefined && m.needed > current.length)
  if (!short.length) return []
  const each = median(current.map((r) => r.durationMs)) / 1000
  const needs = short.map((m) => {
    const what = m.absolute ? `${((target ?? 0.01) * 100).toFixed(1)} pp` : `${((target ?? 0.1) * 100).toFixed(0)} %`
    if (!Number.isFinite(m.needed!)) return `${metricLabel(m)}: no noise estimate for a ${what} change`
    return `${metricLabel(m)} needs ${m.needed} a side for a ${what} change (~${Math.ceil(m.needed! * each)} s of load a side)`
  })
  return [`repetitions to detect the target change at 80 % power: ${needs.join('; ')}`]
}

/**
 * The severity levels of one metric: defaults, then options.severity (relative metrics), then
 * options.metrics. `acrossTime`: the sides were measured at different times (a committed baseline),
 * not interleaved, which widens CPU's floor.
 */
export function metricLevels(metric: MetricName, options: CompareOptions, acrossTime = false): SeverityLevels {
  const spec = specOf(metric)
  const relative = !spec.absolute && spec.unit !== 'cpu ms'
  const cpu = acrossTime ? CPU_ACROSS_TIME : CPU_DEFAULTS
  const defaults = spec.absolute ? ABSOLUTE_DEFAULTS : spec.unit === 'cpu ms' ? cpu : RELATIVE_DEFAULTS
  return { ...defaults, ...(relative ? options.severity : {}), ...options.metrics?.[metric] }
}

/** The worst metric's verdict: any REGRESSION (with the worst severity), else INCONCLUSIVE, IMPROVEMENT, PASS. */
export function overallVerdict(metrics: MetricComparison[]): { verdict: Verdict; severity?: Severity } {
  const regressions = metrics.filter((m) => m.verdict === 'REGRESSION')
  const severity = regressions.length ? ORDER[Math.max(...regressions.map((m) => ORDER.indexOf(m.severity!)))] : undefined
  const verdict: Verdict = regressions.length
    ? 'REGRESSION'
    : metrics.some((m) => m.verdict === 'INCONCLUSIVE')
      ? 'INCONCLUSIVE'
      : metrics.some((m) => m.verdict === 'IMPROVEMENT')
        ? 'IMPROVEMENT'
        : 'PASS'
  return { verdict, ...(severity ? { severity } : {}) }
}

export function recommend(metrics: MetricComparison[]): string[] {
  const moved = (name: MetricName) => metrics.find((m) => m.metric === name && m.verdict === 'REGRESSION')
  const flat = (name: MetricName) => metrics.find((m) => m.metric === name && m.verdict === 'PASS')
  // Worse by at least the noise floor, significant or not: enough to describe the shape of a change.
  const worse = (name: MetricName) =>
    metrics.find(
      (m) =>
        m.metric === name &&
        (m.verdict === 'REGRESSION' || (m.verdict === 'INCONCLUSIVE' && (specOf(name).better === 'lower' ? m.change > 0 : m.change < 0))),
    )
  const out: string[] = []
  if ((moved('latency.p99') || moved('latency.p95')) && flat('latency.p50')) {
    out.push(
      'the tail moved but the median did not: look at tail causes such as GC pauses, lock waits, connection-pool queueing or retries',
    )
  }
  if (moved('latency.p50') && worse('latency.p99'))
    out.push('all percentiles moved together: a constant extra cost per iteration, such as an added query or a slower code path')
  if (moved('throughput'))
    out.push(
      'throughput fell: a saturated resource (CPU, pool size, database) or a slower iteration; compare resource usage between the runs',
    )
  if (moved('errorRate')) out.push('more iterations failed: read errors.byKind in the result for the kinds that grew')
  const cpu = metrics.filter((m) => m.unit === 'cpu ms' && m.verdict === 'REGRESSION').map((m) => m.metric)
  if (cpu.length)
    out.push(
      `more CPU per iteration (${cpu.join(', ')}): the code does more work per request, whatever the machine's load; profile that process (node --cpu-prof, pg_stat_statements)`,
    )
  return out
}
