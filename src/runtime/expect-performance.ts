import { PerfConfigError, PerfError, PerfThresholdError } from '../core/errors.ts'
import type { BaselineComparison } from '../core/result.ts'
import { matchBaseline, type BaselineOptions } from '../baselines/matcher.ts'
import { abSideFromEnv } from '../ab/client.ts'
import type { RunResult } from '../core/result.ts'
import { checkNoLeak, checkStable, type LeakLimits, type StabilityLimits } from '../monitor/matchers.ts'
import { checkRecovery } from '../faults/matchers.ts'
import { compileThresholds } from '../thresholds/define.ts'
import { warn } from '../run/warn.ts'
import { type ThresholdsInput } from '../core/load-config.ts'
import { formatThresholdTable } from '../thresholds/evaluate.ts'
import { evaluateOnResult, TIMELINE_WINDOW_METRICS } from '../thresholds/on-result.ts'

export interface MatcherResult {
  pass: boolean
  message: () => string
}

/** Pure matcher: does `result` meet every threshold? Message covers both the normal and .not case. */
export function meetsThresholds(result: RunResult, thresholds: ThresholdsInput, negated = false): MatcherResult {
  const { defs, problems, warnings } = compileThresholds(thresholds, 'toMeet')
  warn(warnings)
  for (const def of defs) {
    if (def.parsed.windowMs !== undefined && !TIMELINE_WINDOW_METRICS.has(def.metric)) {
      problems.push({
        path: `toMeet.${def.metric}`,
        message: `"${def.parsed.source}" needs per-window histograms, which only exist during the run; put it in the run config's thresholds instead`,
      })
    }
  }
  if (problems.length > 0) throw new PerfConfigError(problems, 'thresholds')
  const outcomes = evaluateOnResult(result, defs)
  const failed = outcomes.filter((o) => !o.ok).length
  const label = result.name ? `"${result.name}"` : 'the run'
  return {
    pass: failed === 0,
    message: () =>
      negated
        ? `expected ${label} not to meet the thresholds, but all ${outcomes.length} passed:\n${formatThresholdTable(outcomes)}`
        : `${failed} of ${outcomes.length} thresholds failed for ${label}:\n${formatThresholdTable(outcomes)}`,
  }
}

export class PerformanceAssertion {
  private readonly result: RunResult
  private readonly negated: boolean

  constructor(result: RunResult, negated = false) {
    this.result = result
    this.negated = negated
    if (typeof result !== 'object' || result === null || !('histograms' in result)) {
      throw new PerfError('PERF_RESULT_INVALID', 'expectPerformance() needs the RunResult returned by run() or runLoad().')
    }
  }

  get not(): PerformanceAssertion {
    return new PerformanceAssertion(this.result, !this.negated)
  }

  /**
   * Compares with the committed baseline (baselines/<test file>.json, keyed by test name): written
   * when missing (not under CI), updated with `vitest run -u`, a REGRESSION fails the test.
   */
  async toMatchBaseline(options: BaselineOptions = {}): Promise<BaselineComparison> {
    if (this.negated)
      throw new PerfError(
        'PERF_BASELINE_CONTEXT',
        'expectPerformance(result).not.toMatchBaseline() is not supported: a baseline comparison has more than two outcomes.',
      )
    // Under vitest-perf ab the other revision is the reference; reruns would also measure out of turn.
    if (abSideFromEnv())
      return {
        verdict: 'PASS',
        metrics: [],
        repetitions: { baseline: 0, current: this.result.repetitions?.length ?? 1 },
        alpha: options.alpha ?? 0.01,
        recommendations: [],
        notes: ['not compared with the committed baseline: vitest-perf ab judges this run against the base revision'],
      }
    const { baselineContext } = await import('./baseline-context.ts')
    return matchBaseline(this.result, baselineContext(), options)
  }

  /**
   * Heap, external memory, ArrayBuffers and handles (by type) must not grow faster than the limits
   * (defaults: 1MB/min and 1/min); given ones replace their defaults, e.g. `{ heap: '< 2MB/min' }`.
   */
  toHaveNoLeak(limits?: LeakLimits): void {
    const outcome = checkNoLeak(this.result, limits)
    // A series that passed without being judged at its limit (too short a run, garbage hiding
    // it): the test's output says so and what to do.
    if (outcome.pass) for (const note of outcome.notes) console.warn(`vitest-perf: ${note}`)
    if (outcome.pass === this.negated) throw new PerfThresholdError(outcome.message())
  }

  /** Throughput and p95 of the last window against the first, e.g. `{ degradation: '< 10%' }`. */
  toStayStable(limits?: StabilityLimits): void {
    const outcome = checkStable(this.result, limits)
    if (outcome.pass === this.negated) throw new PerfThresholdError(outcome.message())
  }

  /** Every scheduled fault's run is back within bounds this soon after the fault ends, e.g. '5s'. */
  toRecoverWithin(limit: string | number): void {
    const outcome = checkRecovery(this.result, limit)
    if (outcome.pass === this.negated) throw new PerfThresholdError(outcome.message())
  }

  /** k6-style thresholds keyed by metric: `{ latency: ['p(95)<50ms'], errors: ['rate<0.01'] }`. */
  toMeet(thresholds: ThresholdsInput): void {
    const outcome = meetsThresholds(this.result, thresholds, this.negated)
    if (outcome.pass === this.negated) throw new PerfThresholdError(outcome.message())
  }
}

export function expectPerformance(result: RunResult): PerformanceAssertion {
  return new PerformanceAssertion(result)
}
