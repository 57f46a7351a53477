import { z } from 'zod'
import { parseOptions } from '../config/zod-problems.ts'
import { PerfConfigError } from '../core/errors.ts'
import { kpiOverridesSchema } from '../reporters/kpi-options.ts'
import { REPORT_FORMATS, type ReportFormat } from '../reporters/write-reports.ts'
import type { KpiOverrides } from '../reporters/kpi.ts'
import type { ProviderName, ServiceName } from '../broker/wire.ts'
import type { ServiceOptions } from '../infra/types.ts'

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
  /** Annotate each run's Vitest test with its summary line and charts (Vitest's UI, HTML reporter). */
  annotate: z.boolean().default(true),
  /** Per database: pin a provider ('local') or give { provider, url, image, tuning }. */
  infra: z
    .strictObject({ postgres: service.optional(), mysql: service.optional(), redis: service.optional(), mongodb: service.optional() })
    .default({})
    .transform((infra): Partial<Record<ServiceName, ServiceOptions>> =>
      Object.fromEntries(Object.entries(infra).map(([k, v]) => [k, typeof v === 'string' ? { provider: v } : v])),
    ),
  /** When no provider works: skip the test, fail it, or skip by hand and fail when CI is set. */
  onUnavailable: z.enum(['skip', 'fail', 'auto']).default('auto'),
  /** Live progress: one updating row per running perf test in Vitest's window (TTY), else a plain line every 10 s. */
  progress: z.boolean().default(true),
  /** A live Prometheus exporter during the run (`true`: a free loopback port, printed at start). */
  prometheus: z
    .union([
      z.boolean(),
      z.strictObject({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().optional(),
        pushgateway: z.string().url().optional(),
        job: z.string().optional(),
      }),
    ])
    .default(false)
    .transform((p): PrometheusOptions | undefined => (p === false ? undefined : p === true ? {} : p)),
})

/** A live Prometheus exporter during the run (docs/monitoring.md). */
export interface PrometheusOptions {
  /** 0 picks a free port, printed at start. @default 0 */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Also push every closed second to this Pushgateway URL. */
  pushgateway?: string
  /** The Pushgateway job name. @default 'vitest-perf' */
  job?: string
}

/** Options of the `perf()` plugin (docs/configuration.md). Written by hand so editors show them. */
export interface PerfOptions {
  /** Folder of committed baselines, relative to the Vitest root. @default 'baselines' */
  baselines?: string
  /** Folder where results.json and reports are written, relative to the Vitest root. @default 'perf-results' */
  results?: string
  /** Print the per-test summary table at the end of the run. @default true */
  summary?: boolean
  /** Reports written into `results` at the end of a run; results.json is written whatever this says. @default ['json', 'md', 'html', 'csv'] */
  reports?: ReportFormat[]
  /** KPI grade bounds of report.md/html/csv, merged with the defaults; `false` leaves a KPI out. @default {} */
  kpi?: KpiOverrides
  /** Append report.md's table to $GITHUB_STEP_SUMMARY when that variable is set. @default true */
  githubSummary?: boolean
  /** Annotate each run's Vitest test with its summary line and an image of its charts, shown by Vitest's UI and HTML reporter. @default true */
  annotate?: boolean
  /** Per database: pin a provider (`'local'`) or give `{ provider, url, image, tuning, … }`. @default {} */
  infra?: Partial<Record<ServiceName, ProviderName | ServiceOptions>>
  /** When no provider works: skip the test, fail it, or skip by hand and fail when `CI` is set. @default 'auto' */
  onUnavailable?: 'skip' | 'fail' | 'auto'
  /** Live progress: one updating row per running perf test in Vitest's window (TTY), else a plain line every 10 s. @default true */
  progress?: boolean
  /** A live Prometheus exporter during the run (`true`: a free loopback port). @default false */
  prometheus?: boolean | PrometheusOptions
}

/** perf() options with defaults filled in: what workers get through inject('vitest-perf:options'). */
export interface ResolvedPerfOptions {
  baselines: string
  results: string
  summary: boolean
  reports: ReportFormat[]
  kpi: KpiOverrides
  githubSummary: boolean
  annotate: boolean
  infra: Partial<Record<ServiceName, ServiceOptions>>
  onUnavailable: 'skip' | 'fail' | 'auto'
  progress: boolean
  prometheus: PrometheusOptions | undefined
}

// The hand-written types above are what users see; this fails the typecheck when the schema and
// the types drift apart.
type Flat<T> = T extends object ? { [K in keyof T]-?: [Flat<T[K]>, undefined extends T[K] ? 'optional' : 'required'] } : T
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false
type Check<T extends true> = T
export type PerfOptionsMatchSchema =
  Check<Same<z.input<typeof schema>, PerfOptions>> | Check<Same<z.output<typeof schema>, ResolvedPerfOptions>>

export function resolvePerfOptions(input: unknown = {}): ResolvedPerfOptions {
  const parsed = parseOptions(schema, input ?? {}, { prefix: 'perf()' })
  if (parsed.ok) return parsed.data
  throw new PerfConfigError(parsed.problems, 'perf() plugin options')
}

/** The schema itself, for the generated configuration reference (scripts/config-reference.ts). */
export { schema as perfOptionsSchema }
