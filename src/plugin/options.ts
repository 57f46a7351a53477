import { z } from 'zod'
import { PerfConfigError } from '../errors.ts'

const schema = z.strictObject({
  /** Folder of committed baselines, relative to the Vitest root. */
  baselines: z.string().min(1).default('baselines'),
  /** Folder where results.json and reports are written, relative to the Vitest root. */
  results: z.string().min(1).default('perf-results'),
  /** Print the per-test summary table at the end of the run. */
  summary: z.boolean().default(true),
})

export type PerfOptions = z.input<typeof schema>
export type ResolvedPerfOptions = z.output<typeof schema>

export function resolvePerfOptions(input: unknown = {}): ResolvedPerfOptions {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  throw new PerfConfigError(
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    'perf() plugin options',
  )
}
