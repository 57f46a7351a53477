import { z } from 'zod'
import { show } from '../config/zod-problems.ts'

const SIZE: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, '': 1 }
const PER: Record<string, number> = { s: 60, min: 1, h: 1 / 60 }

/** '< 1MB/min' → 1048576 (per minute); '< 3/min' → 3; undefined when it is not a growth limit. */
export function parseRateLimit(text: string): number | undefined {
  const m = /^\s*<\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*\/\s*(s|min|h)\s*$/.exec(text)
  return m ? Number(m[1]) * SIZE[m[2] ?? ''] * PER[m[3]] : undefined
}

/** '< 10%' → 0.1; undefined when it is not a percentage limit. */
export function parsePercentLimit(text: string): number | undefined {
  const m = /^\s*<\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text)
  return m ? Number(m[1]) / 100 : undefined
}

const growthProblem = (text: unknown) =>
  `${show(text)} is not a growth limit; write it like '< 1MB/min' (units B, KB, MB, GB; per s, min or h) or '< 2/min' for handles`
const growth = z
  .string({ error: (issue) => growthProblem(issue.input) })
  .refine((text) => parseRateLimit(text) !== undefined, { error: (issue) => growthProblem(issue.input) })
  .meta({ typeName: "growth limit (`'< 1MB/min'`)" })

const growthOrOff = growth.or(z.literal(false))

/** The limits of `expect(result).toHaveNoLeak(limits)`; each replaces its series' default, `false` turns one off. */
export const leakLimitsSchema = z
  .strictObject({
    heap: growthOrOff
      .optional()
      .describe("Largest allowed growth of the JS heap's objects (code excluded), e.g. `'< 1MB/min'`; default `'< 1MB/min'`."),
    external: growthOrOff
      .optional()
      .describe(
        "Largest allowed growth of external memory (C++ objects bound to JS objects, Buffers and ArrayBuffers included); default `'< 1MB/min'`.",
      ),
    arrayBuffers: growthOrOff
      .optional()
      .describe("Largest allowed growth of the memory of Buffers and ArrayBuffers; default `'< 1MB/min'`."),
    rss: growthOrOff.optional().describe('Largest allowed growth of the resident set size; not checked unless given.'),
    handles: growthOrOff
      .optional()
      .describe("Largest allowed growth per handle type (sockets, timers, …), e.g. `'< 1/min'`; default `'< 1/min'`."),
    process: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A watched process (a `monitor.servers` service name) to check instead of the test process: its RSS (`rss`, default `'< 1MB/min'`).",
      ),
  })
  .superRefine((limits, ctx) => {
    if (limits.process === undefined) return
    for (const key of ['heap', 'external', 'arrayBuffers', 'handles'] as const) {
      if (limits[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is the test process's; a watched process ("${limits.process}") has rss only`,
        })
    }
  })

const degradationProblem = (text: unknown) => `${show(text)} is not a limit; write it like '< 10%'`

/** The limits of `expect(result).toStayStable(limits)`. */
export const stabilityLimitsSchema = z.strictObject({
  degradation: z
    .string({ error: (issue) => degradationProblem(issue.input) })
    .refine((text) => parsePercentLimit(text) !== undefined, { error: (issue) => degradationProblem(issue.input) })
    .meta({ typeName: "percentage limit (`'< 10%'`)" })
    .default('< 10%')
    .describe('Largest allowed throughput drop or p95 rise, last window against the first.'),
  window: z.number().gt(0).max(0.5).default(0.1).describe('Share of the run in each window (the first and the last).'),
  process: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A watched process (a `monitor.servers` service name): its CPU time per iteration, last window against the first, instead of throughput and p95.',
    ),
})
