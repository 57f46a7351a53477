import { z } from 'zod'
import { PerfConfigError } from '../errors.ts'
import { kpiOverridesSchema } from '../reporters/kpi-options.ts'
import { REPORT_FORMATS } from '../reporters/write-reports.ts'

const provider = z.enum(['url', 'testcontainers', 'local', 'embedded'])
const service = z.union([
  provider,
  z.strictObject({
    provider: provider.optional(),
    url: z.string().optional(),
    image: z.string().optional(),
    version: z.string().optional(),
    tuning: z.enum(['fast', 'durable']).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    settings: z.record(z.string(), z.string()).optional(),
    onUnavailable: z.enum(['skip', 'fail', 'auto']).optional(),
  }),
])

const schema = z.strictObject({
  /** Folder of committed baselines, relative to the Vitest root. */
  baselines: z.string().min(1).default('baselines'),
  /** Folder where results.json and reports are written, relative to the Vitest root. */
  results: z.string().min(1).default('perf-results'),
  /** Print the per-test summary table at the end of the run. */
  summary: z.boolean().default(true),
  /** Reports written into `results` at the end of a run; results.json is written whatever this says. */
  reports: z.array(z.enum(REPORT_FORMATS)).default([...REPORT_FORMATS]),
  /** KPI grade bounds of report.md/html/csv, merged with the defaults; `false` leaves a KPI out. */
  kpi: kpiOverridesSchema.default({}),
  /** Append report.md's table to $GITHUB_STEP_SUMMARY when that variable is set. */
  githubSummary: z.boolean().default(true),
  /** Per database: pin a provider ('local') or give { provider, url, image, tuning }. */
  infra: z
    .strictObject({ postgres: service.optional(), mysql: service.optional(), redis: service.optional(), mongodb: service.optional() })
    .default({})
    .transform((infra) => Object.fromEntries(Object.entries(infra).map(([k, v]) => [k, typeof v === 'string' ? { provider: v } : v]))),
  /** When no provider works: skip the test, fail it, or skip by hand and fail when CI is set. */
  onUnavailable: z.enum(['skip', 'fail', 'auto']).default('auto'),
  /** Live progress: one updating row per running perf test in Vitest's window (TTY), else a plain line every 10 s. */
  progress: z.boolean().default(true),
  /** A live Prometheus exporter during the run (`true`: a free loopback port, printed at start). */
  prometheus: z
    .union([z.boolean(), z.strictObject({ port: z.number().int().min(0).max(65535).optional(), host: z.string().optional(), pushgateway: z.string().url().optional(), job: z.string().optional() })])
    .default(false)
    .transform((p) => (p === false ? undefined : p === true ? {} : p)),
})

export type PerfOptions = z.input<typeof schema>
export type ResolvedPerfOptions = z.output<typeof schema>

export function resolvePerfOptions(input: unknown = {}): ResolvedPerfOptions {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  throw new PerfConfigError(
    parsed.error.issues.map((i) => ({ path: ['perf()', ...i.path].join('.'), message: i.message })),
    'perf() plugin options',
  )
}

/** The schema itself, for the generated configuration reference (scripts/config-reference.ts). */
export { schema as perfOptionsSchema }
