import { z } from 'zod'
import type { ConfigProblem } from '../core/errors.ts'
import { faultPlanListSchema } from '../faults/schedule-schema.ts'
import { parseOptions, show } from '../config/zod-problems.ts'

const repeatProblem = { error: (issue: { input?: unknown }) => `must be a whole number from 1 to 100, got ${show(issue.input)}` }

const watchedServer = z.looseObject({
  service: z.string().min(1).describe('Name in the resource table, e.g. `postgres`.'),
  pid: z.number().int().min(1).optional().describe('Process to sample (a local server).'),
  containerId: z.string().optional().describe('Testcontainers container, sampled through the Docker API.'),
  url: z.string().optional().describe('The server’s URL, shown with its samples.'),
})

/** The third argument of run() and runLoad(). */
export const runOptionsSchema = z.strictObject({
  signal: z
    .instanceof(AbortSignal)
    .meta({ typeName: 'AbortSignal' })
    .optional()
    .describe('Stops the run early (state `aborted`); in-flight iterations get `gracefulStop` to finish.'),
  name: z.string().optional().describe('Label in reports; the config’s `name` (or the test name) when missing.'),
  attach: z.boolean().default(true).describe('Hand the result to the current Vitest test for the reporter.'),
  repeat: z
    .number(repeatProblem)
    .int(repeatProblem)
    .min(1, repeatProblem)
    .max(100, repeatProblem)
    .default(1)
    .describe('Run the load this many times and merge the runs; each repetition is kept for `toMatchBaseline()`.'),
  monitor: z
    .union([
      z.literal(false),
      z.strictObject({
        servers: z
          .array(watchedServer)
          .optional()
          .describe('Database servers to sample too; the `run` fixture passes its database fixtures.'),
        preciseHeap: z
          .boolean()
          .optional()
          .describe(
            'A full GC before every sample, so `toHaveNoLeak()` sees the live heap, external memory and ArrayBuffers every second (each GC pauses the load, tens of ms).',
          ),
        instructions: z
          .boolean()
          .optional()
          .describe('Also count CPU instructions per iteration where the machine can; a note in `result.cpu` says why when it cannot.'),
      }),
    ])
    .optional()
    .describe('Resource sampling once a second, on by default; `false` turns it off.'),
  probe: z
    .boolean()
    .default(true)
    .describe(
      'Measure the machine probe (fixed work on every core, ~15 ms when idle) before and after each repetition, for drift detection against baselines.',
    ),
  faults: faultPlanListSchema
    .optional()
    .describe(
      'Faults on the run’s clock: `[{ at, duration, fault }]` or `[{ failureRate, fault, slot? }]`; see [Fault plan](#fault-plan).',
    ),
  recovery: z
    .strictObject({
      errorRate: z.number().min(0).max(1).default(0.01).describe('The error rate may exceed the pre-fault one by this much (absolute).'),
      p95Factor: z.number().min(1).default(1.5).describe('p95 may be this many times the pre-fault one.'),
    })
    .optional()
    .describe('Bounds for "recovered" after a fault.'),
})

/** Every problem of runLoad()'s options, paths under `options.` as runLoad() reports them. */
export function runOptionsProblems(options: unknown): ConfigProblem[] {
  const checked = parseOptions(runOptionsSchema, options ?? {}, { prefix: 'options' })
  return checked.ok ? [] : checked.problems
}
