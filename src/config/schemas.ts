import { z } from 'zod'
import { parseDuration } from './duration.ts'

const DURATION_HINT = "use '30s', '1m30s', '500ms', '1h' or a number of milliseconds"

/** A duration written as a string or a number of milliseconds, normalised to ms. */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `cannot parse duration ${JSON.stringify(value)}: ${DURATION_HINT}` })
    return z.NEVER
  }
  return ms
})

const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be longer than 0' })
const count = (what: string) => z.number({ message: `${what} must be a number` }).int(`${what} must be a whole number`)
const vus = count('vus').min(1, 'vus must be at least 1')
const stage = z.strictObject({ duration: duration, target: count('target').min(0, 'target must be 0 or more') })
const stages = z.array(stage).min(1, 'stages must list at least one { duration, target }')
const rateStage = z.strictObject({ duration: duration, target: z.number({ message: 'target must be a number' }).min(0, 'target must be 0 or more') })
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
  api: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(0) }).optional(),
})

const common = {
  /** Label for reports; perfTest uses the test name when missing. */
  name: z.string().optional(),
  gracefulStop: duration.default(10_000),
  thresholds: z.unknown().optional(),
  /** Worker threads sharing the load (each its own event loop); the workflow must be a load module. */
  workers: count('workers').min(1, 'workers must be at least 1').max(64, 'workers must be at most 64').optional(),
  distributed: distributedSchema.optional(),
}

const openModel = {
  timeUnit: positiveDuration.default(1000),
  preAllocatedVUs: count('preAllocatedVUs').min(1, 'preAllocatedVUs must be at least 1').optional(),
  maxVUs: count('maxVUs').min(1, 'maxVUs must be at least 1').default(100),
  overload: z.enum(['drop', 'queue']).default('drop'),
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
    rate: z.number({ message: 'rate must be a number' }).positive('rate must be greater than 0'),
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

export type ExecutorName = keyof typeof executorSchemas
export const EXECUTORS = Object.keys(executorSchemas) as ExecutorName[]

type Parsed<K extends ExecutorName> = Omit<z.output<(typeof executorSchemas)[K]>, 'thresholds'>
export type ConstantVusConfig = Parsed<'constant-vus'>
export type RampingVusConfig = Parsed<'ramping-vus'>
export type SharedIterationsConfig = Parsed<'shared-iterations'>
export type PerVuIterationsConfig = Parsed<'per-vu-iterations'>
/** `phase` (0–1, set when a rate is split across shards) offsets the arrivals so shards interleave. */
export type ConstantArrivalRateConfig = Parsed<'constant-arrival-rate'> & { preAllocatedVUs: number; phase?: number }
export type RampingArrivalRateConfig = Parsed<'ramping-arrival-rate'> & { preAllocatedVUs: number; phase?: number }
export type DistributedConfig = z.output<typeof distributedSchema>
export type FixedIntervalConfig = Parsed<'fixed-interval'>

/** A validated load config: durations in milliseconds, defaults filled in. */
export type ResolvedLoadConfig =
  | ConstantVusConfig
  | RampingVusConfig
  | SharedIterationsConfig
  | PerVuIterationsConfig
  | ConstantArrivalRateConfig
  | RampingArrivalRateConfig
  | FixedIntervalConfig

/** What users write: durations as '30s' strings or milliseconds. */
export type LoadConfig = { [K in ExecutorName]: z.input<(typeof executorSchemas)[K]> }[ExecutorName]
