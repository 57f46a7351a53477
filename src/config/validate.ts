import type { z } from 'zod'
import { PerfConfigError, type ConfigProblem } from '../errors.ts'
import { compileThresholds } from '../thresholds/define.ts'
import type { ThresholdDef } from '../thresholds/define.ts'
import { EXECUTORS, executorSchemas, type ExecutorName, type ResolvedLoadConfig } from './schemas.ts'

/** Metrics the recorder keeps per second, so windowed thresholds can use them. */
const WINDOWED_METRICS = new Set(['latency', 'service_time', 'errors', 'iterations', 'dropped', 'throughput'])

/**
 * VITEST_PERF_DURATION_SCALE stretches every duration of a run (duration, stages, maxDuration) so
 * one soak test runs 2 minutes in CI and 24 hours overnight without code changes.
 */
function readDurationScale(problems: ConfigProblem[]): number {
  const raw = process.env.VITEST_PERF_DURATION_SCALE
  if (raw === undefined || raw === '') return 1
  const scale = Number(raw)
  if (!Number.isFinite(scale) || scale <= 0) {
    problems.push({ path: 'VITEST_PERF_DURATION_SCALE', message: `is "${raw}"; use a positive number such as 0.1 or 720` })
    return 1
  }
  return scale
}

/**
 * VITEST_PERF_DURATION_SCALE in effect (1 when unset or invalid; validateLoadConfig reports
 * invalid values): for times a test keeps itself, such as a think time that should shrink with
 * the run, or a run that must last real seconds (`ms / durationScale()`).
 */
export function durationScale(): number {
  return readDurationScale([])
}

function scaleDurations(config: Record<string, unknown>, scale: number): void {
  if (scale === 1) return
  for (const key of ['duration', 'maxDuration'] as const) if (typeof config[key] === 'number') config[key] = (config[key] as number) * scale
  if (Array.isArray(config.stages)) config.stages = (config.stages as { duration: number }[]).map((s) => ({ ...s, duration: s.duration * scale }))
}

export interface ValidatedLoad {
  config: ResolvedLoadConfig
  thresholds: ThresholdDef[]
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '')
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined
  return value
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code !== 'unrecognized_keys' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) return 'is required'
  if (issue.code === 'unrecognized_keys') {
    return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}; check the spelling against docs/executors.md`
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required'
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
  }
  return issue.message
}

/** Checks that cannot be expressed per field: bounds, VU pools. */
function crossFieldProblems(config: ResolvedLoadConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  if ((config.executor === 'constant-vus' || config.executor === 'fixed-interval') && config.duration === undefined && config.iterations === undefined) {
    problems.push({ path: 'duration', message: `unbounded run: ${config.executor} needs a duration and/or an iterations cap, e.g. duration: '30s'` })
  }
  if (config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate') {
    if (config.preAllocatedVUs !== undefined && config.preAllocatedVUs > config.maxVUs) {
      problems.push({ path: 'preAllocatedVUs', message: `is ${config.preAllocatedVUs} but maxVUs is ${config.maxVUs}; raise maxVUs or lower preAllocatedVUs` })
    }
  }
  if ((config.executor === 'ramping-vus' || config.executor === 'ramping-arrival-rate') && config.stages.every((s) => s.duration === 0)) {
    problems.push({ path: 'stages', message: 'unbounded run: the stages add up to 0s; give at least one stage a duration' })
  }
  return problems
}

/**
 * Validates a load config before anything starts and reports every problem at once,
 * each with its path, in one PerfConfigError.
 */
export function validateLoadConfig(input: unknown): ValidatedLoad {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PerfConfigError([{ path: '', message: `expected an object like { executor: 'constant-vus', vus: 10, duration: '30s' }, got ${JSON.stringify(input)}` }])
  }
  const record = input as Record<string, unknown>
  const problems: ConfigProblem[] = []
  const { defs, problems: thresholdProblems } = compileThresholds(record.thresholds ?? {}, 'thresholds')
  const executor = record.executor
  if (typeof executor !== 'string' || !(EXECUTORS as string[]).includes(executor)) {
    const got = executor === undefined ? 'is required' : `unknown executor ${JSON.stringify(executor)}`
    problems.push({ path: 'executor', message: `${got}; use one of ${EXECUTORS.join(', ')}` })
    throw new PerfConfigError([...problems, ...thresholdProblems])
  }
  const parsed = executorSchemas[executor as ExecutorName].safeParse(input)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: issuePath(issue.path), message: describeIssue(issue, input) })
  }
  problems.push(...thresholdProblems)
  const scale = readDurationScale(problems)
  for (const def of defs) {
    if (def.parsed.windowMs !== undefined && !WINDOWED_METRICS.has(def.metric)) {
      problems.push({ path: `thresholds.${def.metric}`, message: `"${def.parsed.source}": windows ("over …") work on the built-in metrics ${[...WINDOWED_METRICS].join(', ')} only; drop the window or use a built-in metric` })
    }
  }
  if (parsed.success) problems.push(...crossFieldProblems(parsed.data as ResolvedLoadConfig))
  if (problems.length > 0) throw new PerfConfigError(problems)

  const config = { ...(parsed.data as Record<string, unknown>) }
  delete config.thresholds
  scaleDurations(config, scale)
  if (config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate') {
    config.preAllocatedVUs ??= Math.min(config.maxVUs as number, 10)
  }
  return { config: config as ResolvedLoadConfig, thresholds: defs }
}
