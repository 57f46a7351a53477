import { mergeRepetitions } from '../run/repetitions.ts'
import type { Workflow } from '../engine/context.ts'
import { emitResult } from '../run/sinks.ts'
import { runLoad } from '../run/run-load.ts'
import { PerfConfigError } from '../core/errors.ts'
import type { RunResult } from '../core/result.ts'
import { compileThresholds } from '../thresholds/define.ts'
import { type ThresholdsInput } from '../core/load-config.ts'
import type { ThresholdOutcome } from '../core/result.ts'
import { evaluateOnResult } from '../thresholds/on-result.ts'
import { parseOptions } from '../config/zod-problems.ts'
import { capacityOptionsSchema } from './capacity-schema.ts'

export interface CapacityOptions {
  /** Thresholds every step must meet, e.g. { latency: ['p(95)<100ms'], errors: ['rate<0.01'] }. */
  slo: ThresholdsInput
  /** First arrival rate tried, per second. */
  start: number
  /** Highest rate tried. */
  max: number
  /** Length of each step (default '5s'). */
  stepDuration?: string | number
  /** Growth per step while the SLO holds (default 2). */
  factor?: number
  /** Stop bisecting when the bracket is this tight, relative (default 0.05). */
  precision?: number
  /** At most this many steps in all (default 14). */
  maxSteps?: number
  maxVUs?: number
  name?: string
}

export interface CapacityStep {
  rate: number
  pass: boolean
  throughput: number
  p95: number
  errorRate: number
  dropped: number
  /** The thresholds that failed, with their actual values. */
  failed: ThresholdOutcome[]
}

export interface CapacityResult {
  /** The highest rate that held the SLO (0 when even `start` failed). */
  capacity: number
  /** The lowest rate that failed, and why; undefined when `max` held. */
  firstFailing?: { rate: number; reasons: string[] }
  steps: CapacityStep[]
  /** All steps as one RunResult, timelines end to end (for reports). */
  result: RunResult
}

/**
 * Steps the arrival rate up by `factor` while the SLO holds, then bisects between the last rate
 * that held and the first that failed: the knee. Bounded in steps and so in time.
 */
export async function findCapacity(options: CapacityOptions, workflow: Workflow): Promise<CapacityResult> {
  const checked = parseOptions(capacityOptionsSchema, options)
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'findCapacity options')
  const { defs } = compileThresholds(options.slo, 'slo')
  const { start, max, factor, precision, maxSteps, maxVUs, stepDuration } = checked.data
  const steps: CapacityStep[] = []
  const runs: RunResult[] = []
  const step = async (rate: number): Promise<CapacityStep> => {
    const r = await runLoad(
      {
        executor: 'constant-arrival-rate',
        rate: Math.round(rate * 1000) / 1000,
        duration: stepDuration,
        maxVUs,
        name: `${options.name ?? 'capacity'} @ ${Math.round(rate)}/s`,
      },
      workflow,
      { attach: false },
    )
    runs.push(r)
    const outcomes = evaluateOnResult(r, defs)
    const s: CapacityStep = {
      rate,
      pass: outcomes.every((o) => o.ok),
      throughput: r.throughput,
      p95: r.latency.p95,
      errorRate: r.errors.rate,
      dropped: r.dropped,
      failed: outcomes.filter((o) => !o.ok),
    }
    steps.push(s)
    return s
  }
  let good = 0
  let bad: number | undefined
  for (let rate = start; steps.length < maxSteps; rate = Math.min(max, rate * factor)) {
    const s = await step(rate)
    if (!s.pass) {
      bad = rate
      break
    }
    good = rate
    if (rate >= max) break
  }
  while (bad !== undefined && good > 0 && (bad - good) / bad > precision && steps.length < maxSteps) {
    const mid = (good + bad) / 2
    if ((await step(mid)).pass) good = mid
    else bad = mid
  }
  const result = mergeRepetitions(runs)
  await emitResult(result)
  const failing = bad !== undefined ? steps.find((s) => s.rate === bad) : undefined
  return {
    capacity: good,
    ...(failing
      ? {
          firstFailing: {
            rate: failing.rate,
            reasons: failing.failed.map(
              (f) => `${f.metric} ${f.expression} (actual ${f.actual === null ? '-' : Math.round(f.actual * 1000) / 1000})`,
            ),
          },
        }
      : {}),
    steps,
    result,
  }
}
