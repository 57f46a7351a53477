import { z } from 'zod'
import { duration } from '../config/schemas.ts'
import { addProblems, parseOptions, show } from '../config/zod-problems.ts'

const FAULT_HINT = 'must be a fault: faults.connectionExhaustion(postgres), faults.cpuPressure({ threads: 1 }), …'

/** Anything with start() and stop(): the faults of `faults.*` and hand-written ones. */
export const faultSchema = z
  .custom<{ name: string; start(): Promise<void>; stop(): Promise<void> }>(
    (v) => {
      const f = v as { start?: unknown; stop?: unknown } | null
      return typeof f === 'object' && f !== null && typeof f.start === 'function' && typeof f.stop === 'function'
    },
    { error: () => FAULT_HINT },
  )
  .meta({ typeName: 'fault' })

const at = duration.describe('When the fault starts, from the start of the run (stretched by `VITEST_PERF_DURATION_SCALE`).')
const lasting = duration.refine((ms) => ms > 0, { error: (issue) => `must be longer than 0, got ${show(issue.input)}: use '5s'` })

/** `{ at, duration, fault }`: the fault is active from `at` for `duration`. */
export const scheduledFaultSchema = z.strictObject({
  at,
  duration: lasting.describe('How long the fault stays active.'),
  fault: faultSchema.describe('The fault: `faults.connectionExhaustion(postgres)`, `proxy.toxic(…)`, ….'),
})

/** `{ failureRate, fault, slot?, seed? }`: the fault is active in each slot with probability failureRate. */
export const randomFaultSchema = z.strictObject({
  failureRate: z
    .number({ error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
    .min(0, { error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
    .max(1, { error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
    .describe('Probability that the fault is active in a slot.'),
  fault: faultSchema.describe('The fault to inject.'),
  slot: lasting.default(1000).describe('The run is cut into slots of this length; consecutive active slots make one window.'),
  seed: z.number().int().default(1).describe('Seed of the draws, so a run can be repeated.'),
})

const isRandom = (f: unknown) => typeof f === 'object' && f !== null && 'failureRate' in f

/**
 * One entry of the `faults` run option, checked as random when it has `failureRate` and as
 * scheduled otherwise, so the problems are those of the kind meant. Values stay as written:
 * expandPlan() parses the durations with the run's scale.
 */
export const faultPlanSchema = z
  .custom<Record<string, unknown>>((f) => typeof f === 'object' && f !== null && !Array.isArray(f), {
    error: (issue) => `must be { at, duration, fault } or { failureRate, fault, slot? }, got ${show(issue.input)}`,
  })
  .superRefine((f, ctx) => {
    const checked = parseOptions(isRandom(f) ? randomFaultSchema : scheduledFaultSchema, f)
    if (!checked.ok) addProblems(ctx, checked.problems)
  })
  .meta({ typeName: '{ at, duration, fault } | { failureRate, fault, slot?, seed? }' })

export const faultPlanListSchema = z.array(faultPlanSchema, {
  error: (issue) => `must be an array of { at, duration, fault } or { failureRate, fault }, got ${show(issue.input)}`,
})
