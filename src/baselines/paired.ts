import type { BaselineComparison, MetricComparison, MetricName, RepetitionSummary } from '../core/result.ts'
import { bootstrapMedian, median, wilcoxonSignedRank } from '../core/stats.ts'
import {
  cpuMetrics,
  defaultMetrics,
  holdForDrift,
  levelVerdict,
  metricLevels,
  overallVerdict,
  recommend,
  specOf,
  type CompareOptions,
} from './compare.ts'
import { driftReason, heldBy, normalizable, pairedDrift } from './drift.ts'

export interface PairedOptions extends CompareOptions {
  /**
   * When the probe says one side ran on a slower machine: scale the head's timings by the pairs'
   * probe ratio and judge them (true), instead of holding their verdicts back as INCONCLUSIVE.
   */
  normalize?: boolean
}

/** The fewest pairs whose signed-rank test can reach p < alpha: all n signs alike give p = 2 / 2^n. */
export function minimumPairs(alpha: number): number {
  let n = 1
  while (2 / 2 ** n >= alpha) n++
  return n
}

/**
 * One metric over pairs: per pair the log ratio head/base (the difference for the error rate),
 * the signed-rank test of those, and the bootstrap interval of their median.
 */
function judgePaired(metric: MetricName, base: number[], head: number[], alpha: number, options: CompareOptions): MetricComparison {
  const spec = specOf(metric)
  const absolute = spec.absolute === true
  const differences: number[] = []
  for (let i = 0; i < base.length; i++) {
    if (absolute) differences.push(head[i] - base[i])
    else if (base[i] > 0 && head[i] > 0) differences.push(Math.log(head[i] / base[i]))
    // Both zero: no change. One zero: no ratio; the pair says nothing of this metric.
    else if (base[i] === 0 && head[i] === 0) differences.push(0)
  }
  const toChange = (d: number) => (absolute ? d : Math.expm1(d))
  const { estimate, low, high } = bootstrapMedian(differences)
  const change = differences.length ? toChange(estimate) : 0
  const interval = differences.length ? { low: toChange(low), high: toChange(high) } : { low: 0, high: 0 }
  const { p } = wilcoxonSignedRank(differences)
  const worse = spec.better === 'lower' ? change > 0 : change < 0
  return {
    metric,
    baseline: median(base),
    current: median(head),
    change,
    interval,
    p,
    unit: spec.unit,
    absolute,
    ...levelVerdict(change, interval, p < alpha, worse, metricLevels(metric, options)),
  }
}

/**
 * A paired comparison of two revisions measured in turns (vitest-perf ab): repetition i of the
 * base with repetition i of the head, which ran next to each other (ABBA order), so drift of the
 * machine over minutes falls on both halves of a pair alike. Per metric: the median of the pairs'
 * log ratios (their difference for the error rate) as the change, an exact Wilcoxon signed-rank
 * test of them, and a bootstrap interval of that median; then the same floor, minor, major and
 * critical levels and the same verdict rules as compareRepetitions(). CPU per iteration is judged
 * beside latency when both sides measured it. When the machine probe says the head's repetitions
 * ran on a slower or faster machine than their partners, timing REGRESSIONs and IMPROVEMENTs are
 * held back as INCONCLUSIVE with the reason, or the head's timings are scaled by the probe ratio
 * with `normalize`; CPU per iteration is judged either way.
 */
export function comparePaired(
  base: RepetitionSummary[],
  head: RepetitionSummary[],
  executor: string,
  options: PairedOptions = {},
): BaselineComparison {
  const alpha = options.alpha ?? 0.01
  const n = Math.min(base.length, head.length)
  const pairedBase = base.slice(0, n)
  const pairedHead = head.slice(0, n)
  const drift = pairedDrift(pairedBase, pairedHead, alpha)
  const scale = options.latencyScale ?? (options.normalize && drift ? drift.ratio : 1)
  // Timing metrics are held back when one side's machine was slower (or busier) and nothing normalised them.
  const held = heldBy(drift, scale)
  const cpu = cpuMetrics(pairedBase, pairedHead, options.only, true)
  const names = [...(options.only?.filter((m) => !m.startsWith('cpu.')) ?? defaultMetrics(executor)), ...cpu.metrics]
  const metrics = names.map((metric) => {
    const spec = specOf(metric)
    const scaled = (r: RepetitionSummary) =>
      spec.unit === 'ms' ? spec.get(r) / scale : spec.unit === '/s' ? spec.get(r) * scale : spec.get(r)
    return holdForDrift(judgePaired(metric, pairedBase.map(spec.get), pairedHead.map(scaled), alpha, options), held)
  })
  const notes: string[] = []
  const needed = minimumPairs(alpha)
  if (n < needed)
    notes.push(
      `only ${n} pair${n === 1 ? '' : 's'}: with fewer than ${needed} no change can be significant at alpha ${alpha} by the signed-rank test; use run(…, { repeat: ${needed} })`,
    )
  if (base.length !== head.length)
    notes.push(`${base.length} repetitions of the base and ${head.length} of the head: only the first ${n} of each are paired`)
  notes.push(...cpu.notes)
  if (held && metrics.some((m) => m.reason))
    notes.push(
      `${driftReason(held)}: timing verdicts held back as INCONCLUSIVE (CPU per iteration is still judged)${normalizable(held) ? '; --normalize scales by the probe instead' : ''}`,
    )
  else if (drift && (drift.state !== 'steady' || scale !== 1))
    notes.push(
      `machine probe ×${drift.ratio.toFixed(2)} on the head's side of the pairs (${drift.state})${scale !== 1 ? `: the head's timings normalised by ${scale.toFixed(3)}` : ''}`,
    )
  return {
    ...overallVerdict(metrics),
    metrics,
    repetitions: { baseline: n, current: n },
    alpha,
    recommendations: recommend(metrics),
    notes,
    ...(drift ? { drift } : {}),
  }
}
