import { z } from 'zod'
import { DURATION_HINT, parseDuration } from '../core/duration.ts'
import type { ExecutorName, LoadConfig, ResolvedLoadConfig } from '../core/load-config.ts'
import { MAX_TIMER_MS } from './limits.ts'

/** A duration written as a string or a number of milliseconds, normalised to ms. */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `cannot parse duration ${JSON.stringify(value)}: ${DURATION_HINT}` })
    return z.NEVER
  }
  // Node fires a longer timer after 1 ms: a '1000h' run would end at once, reported as completed.
  if (ms > MAX_TIMER_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `is ${JSON.stringify(value)}, past the timers' limit of 596h (2^31−1 ms); use a shorter duration`,
    })
    return z.NEVER
  }
  return ms
})

const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be longer than 0' })
// A missing option says so rather than "must be a number".
const numberNamed = (what: string) =>
  z.number({ error: (issue) => (issue.input === undefined ? 'is required' : `${what} must be a number`) })
const count = (what: string) => numberNamed(what).int(`${what} must be a whole number`)
const vus = count('vus').min(1, 'vus must be at least 1')
const stage = z.strictObject({ duration: duration, target: count('target').min(0, 'target must be 0 or more') })
const stages = z.array(stage).min(1, 'stages must list at least one { duration, target }')
const rateStage = z.strictObject({ duration: duration, target: numberNamed('target').min(0, 'target must be 0 or more') })
const rateStages = z.array(rateStage).min(1, 'stages must list at least one { duration, target }')

/** Drivers in other processes or machines, coordinated through Redis (docs/distributed.md). */
export const distributedSchema = z.strictObject({
  /** Redis URL the coordinator and the drivers (`vitest-perf driver --redis <url>`) share. */
  redis: z.string().regex(/^rediss?:\/\//, "must be a Redis URL such as 'redis://127.0.0.1:6379'"),
  drivers: count('drivers').min(1, 'drivers must be at least 1').max(256, 'drivers must be at most 256'),
  /** Key prefix of every Redis key and stream, so several projects can share one Redis. */
  prefix: z.string().min(1).default('vitest-perf'),
  /** How long the coordinator waits for enough idle drivers. */
  waitFor: positiveDuration.default(30_000),
  /** Drivers report every interval; one silent for three intervals is lost. */
  heartbeat: positiveDuration.default(1000),
  /** A lost driver fails the run, or its share moves to the drivers left. */
  onDriverLost: z.enum(['fail', 'rebalance']).default('fail'),
  /** REST API on the coordinator while the run lasts (list runs, live stats, stop). */
  api: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(0),
      /** Bearer token the API requires (default: a random one per server, printed with its URL). */
      token: z.string().min(16, 'must have at least 16 characters').optional(),
    })
    .optional(),
  /** File holding the key that signs the control plane (default: VITEST_PERF_DRIVER_KEY). */
  keyFile: z.string().min(1).optional(),
})

/** The options of a whole run: at the top of a config with scenarios, never inside a scenario. */
export const runWideOptions = {
  /** Label for reports; perfTest uses the test name when missing. */
  name: z.string().optional(),
  thresholds: z.unknown().optional(),
  /** Worker threads sharing the load (each its own event loop); the workflow must be a load module. */
  workers: count('workers').min(1, 'workers must be at least 1').max(64, 'workers must be at most 64').optional(),
  distributed: distributedSchema.optional(),
  /** Lifts the limits on VUs, rates and run length (docs/configuration.md, "Limits"); the timers' 596 h stay. */
  unbounded: z.boolean().optional(),
}

const common = {
  name: runWideOptions.name,
  gracefulStop: duration.default(10_000),
  thresholds: runWideOptions.thresholds,
  workers: runWideOptions.workers,
  distributed: runWideOptions.distributed,
  unbounded: runWideOptions.unbounded,
}

const openModel = {
  timeUnit: positiveDuration.default(1000),
  preAllocatedVUs: count('preAllocatedVUs').min(1, 'preAllocatedVUs must be at least 1').optional(),
  maxVUs: count('maxVUs').min(1, 'maxVUs must be at least 1').default(100),
  overload: z.enum(['drop', 'queue']).default('drop'),
  /** With overload 'queue': at most this many arrivals wait for a VU; later ones are dropped and counted. */
  maxQueue: count('maxQueue').min(1, 'maxQueue must be at least 1').default(10_000),
}

export const executorSchemas = {
  'constant-vus': z.strictObject({
    executor: z.literal('constant-vus'),
    vus: vus.default(1),
    duration: positiveDuration.optional(),
    iterations: count('iterations').min(1).optional(),
    ...common,
  }),
  'ramping-vus': z.strictObject({
    executor: z.literal('ramping-vus'),
    startVUs: count('startVUs').min(0).default(0),
    stages,
    ...common,
  }),
  'shared-iterations': z.strictObject({
    executor: z.literal('shared-iterations'),
    vus: vus.default(1),
    iterations: count('iterations').min(1, 'iterations must be at least 1'),
    maxDuration: positiveDuration.default(600_000),
    ...common,
  }),
  'per-vu-iterations': z.strictObject({
    executor: z.literal('per-vu-iterations'),
    vus: vus.default(1),
    iterations: count('iterations').min(1, 'iterations must be at least 1'),
    maxDuration: positiveDuration.default(600_000),
    ...common,
  }),
  'constant-arrival-rate': z.strictObject({
    executor: z.literal('constant-arrival-rate'),
    rate: numberNamed('rate').positive('rate must be greater than 0'),
    duration: positiveDuration,
    ...openModel,
    ...common,
  }),
  'ramping-arrival-rate': z.strictObject({
    executor: z.literal('ramping-arrival-rate'),
    startRate: z.number().min(0, 'startRate must be 0 or more').default(0),
    stages: rateStages,
    ...openModel,
    ...common,
  }),
  'fixed-interval': z.strictObject({
    executor: z.literal('fixed-interval'),
    vus: vus.default(1),
    interval: duration,
    duration: positiveDuration.optional(),
    iterations: count('iterations').min(1).optional(),
    ...common,
  }),
} as const
export const EXECUTORS = Object.keys(executorSchemas) as ExecutorName[]

// The hand-written types in core/load-config.ts are what users see; these checks fail the
// typecheck when a schema and its type drift apart (an option added to one only).
type Flat<T> = T extends object ? { [K in keyof T]-?: [Flat<T[K]>, undefined extends T[K] ? 'optional' : 'required'] } : T
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false
type Check<T extends true> = T
type Output<K extends ExecutorName> = Omit<z.output<(typeof executorSchemas)[K]>, 'thresholds'>
type Input<K extends ExecutorName> = Omit<z.input<(typeof executorSchemas)[K]>, 'thresholds'>
type Resolved<K extends ExecutorName> = Omit<Extract<ResolvedLoadConfig, { executor: K }>, 'phase' | 'preAllocatedVUs'> &
  (K extends 'constant-arrival-rate' | 'ramping-arrival-rate' ? { preAllocatedVUs?: number } : unknown)
type Written<K extends ExecutorName> = Omit<Extract<LoadConfig, { executor: K }>, 'thresholds'>
export type SchemaMatchesTypes =
  | Check<Same<{ [K in ExecutorName]: Output<K> }, { [K in ExecutorName]: Resolved<K> }>>
  | Check<Same<{ [K in ExecutorName]: Input<K> }, { [K in ExecutorName]: Written<K> }>>
