import { z } from 'zod'
import { PerfConfigError, type ConfigProblem } from '../core/errors.ts'
import { compileThresholds } from '../thresholds/define.ts'
import type { ThresholdDef } from '../thresholds/define.ts'
import { EXECUTORS, executorSchemas } from './schemas.ts'
import { type ExecutorName, type ResolvedLoadConfig, type ResolvedRunConfig } from '../core/load-config.ts'
import { didYouMean, parseOptions } from './zod-problems.ts'
import { limitProblems } from './limits.ts'

/** Metrics the recorder keeps per second, so windowed thresholds can use them. */
const WINDOWED_METRICS = new Set(['latency', 'service_time', 'errors', 'iterations', 'dropped', 'throughput'])

/**
 * VITEST_PERF_DURATION_SCALE stretches every duration of a run (duration, stages, maxDuration) so
 * one soak test runs 2 minutes in CI and 24 hours overnight without code changes.
 */
const durationScaleSchema = z
  .string()
  .refine((text) => Number.isFinite(Number(text)) && Number(text) > 0, {
    error: (issue) => `is "${String(issue.input)}"; use a positive number such as 0.1 or 720`,
  })
  .transform(Number)

export function readDurationScale(problems: ConfigProblem[]): number {
  const raw = process.env.VITEST_PERF_DURATION_SCALE
  if (raw === undefined || raw === '') return 1
  const scale = parseOptions(durationScaleSchema, raw, { prefix: 'VITEST_PERF_DURATION_SCALE' })
  if (scale.ok) return scale.data
  problems.push(...scale.problems)
  return 1
}

/**
 * VITEST_PERF_DURATION_SCALE in effect (1 when unset or invalid; validateLoadConfig reports
 * invalid values): for times a test keeps itself, such as a think time that should shrink with
 * the run, or a run that must last real seconds (`ms / durationScale()`).
 */
export function durationScale(): number {
  return readDurationScale([])
}

export function scaleDurations(config: Record<string, unknown>, scale: number): void {
  if (scale === 1) return
  for (const key of ['duration', 'maxDuration', 'startTime'] as const)
    if (typeof config[key] === 'number') config[key] = (config[key] as number) * scale
  if (Array.isArray(config.stages))
    config.stages = (config.stages as { duration: number }[]).map((s) => ({ ...s, duration: s.duration * scale }))
}

export interface ValidatedLoad<C extends ResolvedRunConfig = ResolvedLoadConfig> {
  config: C
  thresholds: ThresholdDef[]
  /** Thresholds that can never fail, as written: printed as warnings, they fail nothing. */
  warnings: ConfigProblem[]
}

export type LoadCheck = z.core.$RefinementCtx<ResolvedLoadConfig>

/** Checks that cannot be expressed per field: bounds, VU pools. */
export function crossFieldChecks(config: ResolvedLoadConfig, ctx: LoadCheck): void {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  if (
    (config.executor === 'constant-vus' || config.executor === 'fixed-interval') &&
    config.duration === undefined &&
    config.iterations === undefined
  ) {
    problem('duration', `unbounded run: ${config.executor} needs a duration and/or an iterations cap, e.g. duration: '30s'`)
  }
  if (config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate') {
    if (config.preAllocatedVUs !== undefined && config.preAllocatedVUs > config.maxVUs) {
      problem('preAllocatedVUs', `is ${config.preAllocatedVUs} but maxVUs is ${config.maxVUs}; raise maxVUs or lower preAllocatedVUs`)
    }
  }
  if ((config.executor === 'ramping-vus' || config.executor === 'ramping-arrival-rate') && config.stages.every((s) => s.duration === 0)) {
    problem('stages', 'unbounded run: the stages add up to 0s; give at least one stage a duration')
  }
}

export const executorNameSchema = z.enum(EXECUTORS as [ExecutorName, ...ExecutorName[]], {
  error: (issue) => {
    if (issue.input === undefined) return `is required; use one of ${EXECUTORS.join(', ')}`
    const near = typeof issue.input === 'string' ? didYouMean(issue.input, EXECUTORS) : []
    return `unknown executor ${JSON.stringify(issue.input)}; ${near.length > 0 ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? The executors are` : 'use one of'} ${EXECUTORS.join(', ')}`
  },
})

// Refined copies: executorSchemas stay plain objects, so the docs generator and tests can extend them.
const checkedSchemas = Object.fromEntries(
  EXECUTORS.map((name) => [
    name,
    executorSchemas[name].superRefine((config, ctx) => crossFieldChecks(config as ResolvedLoadConfig, ctx as LoadCheck)),
  ]),
) as unknown as Record<ExecutorName, z.ZodType<unknown>>

/** Windowed thresholds on what the recorder does not keep per second. */
export function windowProblems(defs: ThresholdDef[]): ConfigProblem[] {
  return defs
    .filter((def) => def.parsed.windowMs !== undefined && !WINDOWED_METRICS.has(def.metric))
    .map((def) => ({
      path: `thresholds.${def.metric}`,
      message: `"${def.parsed.source}": windows ("over …") work on the built-in metrics ${[...WINDOWED_METRICS].join(', ')} only; drop the window or use a built-in metric`,
    }))
}

/**
 * Validates a load config before anything starts and reports every problem at once,
 * each with its path, in one PerfConfigError.
 */
export function validateLoadConfig(input: unknown): ValidatedLoad {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PerfConfigError([
      { path: '', message: `expected an object like { executor: 'constant-vus', vus: 10, duration: '30s' }, got ${JSON.stringify(input)}` },
    ])
  }
  const record = input as Record<string, unknown>
  const problems: ConfigProblem[] = []
  const { defs, problems: thresholdProblems, warnings } = compileThresholds(record.thresholds ?? {}, 'thresholds')
  const executor = parseOptions(executorNameSchema, record.executor, { prefix: 'executor' })
  // Without a known executor there is no schema to check the rest against.
  if (!executor.ok) throw new PerfConfigError([...executor.problems, ...thresholdProblems])
  const parsed = parseOptions(checkedSchemas[executor.data], input)
  if (!parsed.ok) problems.push(...parsed.problems)
  problems.push(...thresholdProblems)
  const scale = readDurationScale(problems)
  problems.push(...windowProblems(defs))
  if (problems.length > 0 || !parsed.ok) throw new PerfConfigError(problems)

  const config = { ...(parsed.data as Record<string, unknown>) }
  delete config.thresholds
  scaleDurations(config, scale)
  if (config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate') {
    config.preAllocatedVUs ??= Math.min(config.maxVUs as number, 10)
  }
  const limits = limitProblems(config as unknown as ResolvedLoadConfig)
  if (limits.length > 0) throw new PerfConfigError(limits)
  return { config: config as unknown as ResolvedLoadConfig, thresholds: defs, warnings }
}

/**
 * Checks a config that was already resolved and split (a shard's part, as a driver receives it)
 * with the same schemas and cross-field checks as validateLoadConfig, without scaling it again.
 */
export function validateShardConfig(input: unknown): { ok: true; config: ResolvedLoadConfig } | { ok: false; problems: ConfigProblem[] } {
  const executor = parseOptions(executorNameSchema, (input as { executor?: unknown } | null)?.executor, { prefix: 'executor' })
  if (!executor.ok) return { ok: false, problems: executor.problems }
  // A split open model carries its phase; shards never get thresholds, workers or distributed.
  const schema = executorSchemas[executor.data]
    .extend({ phase: z.number().min(0).max(1).optional() })
    .superRefine((config, ctx) => crossFieldChecks(config as ResolvedLoadConfig, ctx as LoadCheck))
  const parsed = parseOptions(schema, input)
  if (!parsed.ok) return parsed
  const config = parsed.data as Record<string, unknown>
  const problems: ConfigProblem[] = []
  for (const key of ['thresholds', 'workers', 'distributed'])
    if (config[key] !== undefined) problems.push({ path: key, message: 'is not part of a shard' })
  if (problems.length > 0) return { ok: false, problems }
  if ((config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate') && config.preAllocatedVUs === undefined) {
    config.preAllocatedVUs = Math.min(config.maxVUs as number, 10)
  }
  return { ok: true, config: config as unknown as ResolvedLoadConfig }
}
