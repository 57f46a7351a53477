import { z } from 'zod'
import { duration } from '../config/schemas.ts'
import { addProblems, show } from '../config/zod-problems.ts'
import { compileThresholds } from '../thresholds/define.ts'

/** The options of findCapacity(); the SLO is checked by the thresholds compiler, with its positions. */
export const capacityOptionsSchema = z
  .strictObject({
    slo: z
      .record(z.string(), z.unknown())
      .describe("Thresholds every step must meet, e.g. `{ latency: ['p(95)<100ms'], errors: ['rate<0.01'] }`."),
    start: z
      .number()
      .positive({ error: (issue) => `must be a rate above 0, got ${show(issue.input)}` })
      .describe('First arrival rate tried, per second.'),
    max: z.number().positive().describe('Highest rate tried; at least `start`.'),
    stepDuration: duration
      .refine((ms) => ms > 0, { error: (issue) => `must be longer than 0, got ${show(issue.input)}: use '5s'` })
      .default(5000)
      .describe('Length of each step.'),
    factor: z
      .number()
      .gt(1, { error: (issue) => `must be above 1, got ${show(issue.input)}` })
      .default(2)
      .describe('Growth per step while the SLO holds.'),
    precision: z.number().gt(0).lt(1).default(0.05).describe('Stop bisecting when the bracket is this tight, relative.'),
    maxSteps: z.number().int().min(1).default(14).describe('At most this many steps in all.'),
    maxVUs: z.number().int().min(1).default(2000).describe('`maxVUs` of every step.'),
    name: z.string().optional().describe('Label of the steps in reports: `<name> @ <rate>/s`.'),
  })
  .superRefine(
    (o, ctx) => {
      if (typeof o.start === 'number' && typeof o.max === 'number' && o.max > 0 && o.max < o.start)
        ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least start (${o.start}), got ${o.max}` })
      if (o.slo !== undefined) addProblems(ctx, compileThresholds(o.slo, 'slo').problems)
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
