import { z } from 'zod'
import { COMPLEXITIES, MAX_STAGES, SIZE_LIMITS, WORKFLOW_KINDS, type WorkflowKind, type WorkflowSizes } from './profiles.ts'
import { DEFAULT_POOL_SIZE, STORES, TARGET_SERVICES, WorkflowConnections, type StoreName } from './target.ts'

const list = (items: readonly string[]) => items.map((i) => `'${i}'`).join(', ')
const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v)))
/** Every message of these options reads "is <value>; use …". */
const use = (advice: string) => ({ error: (issue: { input?: unknown }) => `is ${shown(issue.input)}; ${advice}` })

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// Fixtures have more fields (user, port, snapshot, …): only url or host is needed.
const connection = (service: string) =>
  z
    .custom<{ url?: string; host?: string }>((v) => isObject(v) && (typeof v.url === 'string' || typeof v.host === 'string'), {
      error: (issue) => `needs a url or a host (the ${service} fixture has both); got ${shown(issue.input)}`,
    })
    .meta({ typeName: `${service} fixture | { url } | { host }` })

/** Fixtures or connection specs per service, as generate() and connect() take them. */
export const targetSchema = z
  .strictObject(
    {
      postgres: connection('postgres').optional().describe('A postgres fixture or `{ url }` / `{ host, … }`.'),
      mysql: connection('mysql').optional().describe('A mysql fixture or `{ url }` / `{ host, … }`.'),
      mongodb: connection('mongodb').optional().describe('A mongodb fixture or `{ url }` / `{ host, … }`.'),
      redis: connection('redis').optional().describe('A redis fixture or `{ url }`: caches only, never holds the data.'),
    },
    use('pass the fixtures, e.g. target: { postgres, redis }'),
  )
  .superRefine(
    (target, ctx) => {
      if (!STORES.some((s) => target[s] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `has no database for the workflow's data: add postgres, mysql or mongodb (redis only caches); got ${list(Object.keys(target))}`,
        })
      }
    },
    { when: (payload) => isObject(payload.value) },
  )

function size(key: keyof WorkflowSizes): z.ZodOptional<z.ZodNumber> {
  const { min, max, integer } = SIZE_LIMITS[key]
  const e = use(`use ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`)
  let schema = z.number(e).min(min, e).max(max, e)
  if (integer) schema = schema.int(e)
  return schema.optional()
}

const SIZE_DOCS: Record<keyof WorkflowSizes, string> = {
  rows: 'Rows per ingested batch (data-processing), records per run (transformation), report rows (analytics).',
  stages: 'Transform stages (data-processing, up to 4), aggregate queries (analytics, up to 3), write stages (transformation, up to 3).',
  referenceRows: 'Reference rows setup() creates: products, orders or group dimensions.',
  categories: 'Distinct categories in the generated data.',
  payloadBytes: 'Bytes of filler payload per row.',
  invalidRate: 'Share of generated records that are invalid and must be rejected.',
  queries: 'Queries per iteration (analytics).',
  cacheTtl: 'Seconds cached results live in Redis.',
  days: 'Days of history the generated data spans.',
  stripes: 'Lock stripes for concurrent writers.',
}

const sizes = Object.fromEntries(
  (Object.keys(SIZE_LIMITS) as (keyof WorkflowSizes)[]).map((k) => [k, size(k).describe(`${SIZE_DOCS[k]} Default: the complexity’s.`)]),
) as Record<keyof WorkflowSizes, z.ZodOptional<z.ZodNumber>>

const poolSize = z
  .number(use('use an integer from 1 to 1000'))
  .int(use('use an integer from 1 to 1000'))
  .min(1, use('use an integer from 1 to 1000'))
  .max(1000, use('use an integer from 1 to 1000'))
  .default(DEFAULT_POOL_SIZE)

/** The options of workflows.generate(). */
export const generateOptionsSchema = z
  .strictObject(
    {
      kind: z
        .enum(WORKFLOW_KINDS, use(`use one of ${list(WORKFLOW_KINDS)}`))
        .describe('What the workflow does: ingest and transform, query reports, or regroup records.'),
      complexity: z
        .enum(COMPLEXITIES, use(`use one of ${list(COMPLEXITIES)}`))
        .default('medium')
        .describe('Picks the default sizes below.'),
      seed: z
        .number(use('use an integer ≥ 0'))
        .int(use('use an integer ≥ 0'))
        .min(0, use('use an integer ≥ 0'))
        .default(1)
        .describe('Drives every generated value and choice: the same seed gives the same statements.'),
      target: z
        .union([z.instanceof(WorkflowConnections).meta({ typeName: 'connect() handle' }), targetSchema], {
          error: (issue) =>
            isObject(issue.input) ? undefined : `is ${shown(issue.input)}; pass the fixtures, e.g. target: { postgres, redis }`,
        })
        .describe('Fixtures (`{ postgres, redis }`), connection specs, or a shared `workflows.connect()` handle.'),
      store: z
        .enum(STORES, use(`use one of ${list(STORES)}`))
        .optional()
        .describe('Which database holds the data when the target has several: postgres, then mysql, then mongodb.'),
      poolSize: poolSize.describe('Connections of the pools generate() creates; ignored for a connect() handle.'),
      prefix: z
        .string(use('use 1–24 lower-case letters, digits or _, starting with a letter'))
        .regex(/^[a-z][a-z0-9_]{0,23}$/, use('use 1–24 lower-case letters, digits or _, starting with a letter'))
        .optional()
        .describe('Prefix of every table, collection and Redis key; `<kind><seed><complexity>_` (e.g. `dp42m_`) when missing.'),
      tags: z
        .record(
          z.string(),
          z
            .string(use('use non-empty string values without , { }'))
            .min(1, use('use non-empty string values without , { }'))
            .regex(/^[^,{}]*$/, use('use non-empty string values without , { }')),
          use('use non-empty string values without , { }'),
        )
        .meta({ typeName: '`Record<string, string>`, values without `,` `{` `}`' })
        .superRefine((tags, ctx) => {
          if ('step' in tags) ctx.addIssue({ code: 'custom', path: ['step'], message: 'is set by each step; pick another tag name' })
        })
        .optional()
        .describe("Added to every step’s `latency{step:…}` sample, e.g. `{ workflow: 'orders' }`."),
      ...sizes,
    },
    { error: (issue) => `is ${shown(issue.input)}; pass an object such as { kind: 'analytics', target: { postgres } }` },
  )
  .superRefine(
    (o, ctx) => {
      const kind = o.kind as WorkflowKind
      if (
        (WORKFLOW_KINDS as readonly unknown[]).includes(kind) &&
        typeof o.stages === 'number' &&
        o.stages > MAX_STAGES[kind] &&
        o.stages <= SIZE_LIMITS.stages.max
      ) {
        ctx.addIssue({ code: 'custom', path: ['stages'], message: `is ${o.stages}; use an integer from 1 to ${MAX_STAGES[kind]}` })
      }
      const stores = storesOf(o.target)
      if (
        o.store !== undefined &&
        (STORES as readonly unknown[]).includes(o.store) &&
        stores !== undefined &&
        stores.length > 0 &&
        !stores.includes(o.store)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['store'],
          message: `is '${o.store}' but the target has no ${o.store} (it has ${list(stores)})`,
        })
      }
    },
    { when: (payload) => isObject(payload.value) },
  )

/** The databases a target holds data in; undefined when the target is not an object. */
export function storesOf(target: unknown): StoreName[] | undefined {
  if (target instanceof WorkflowConnections) return target.stores
  if (!isObject(target)) return undefined
  return STORES.filter((s) => isObject(target[s]))
}

/** The options of workflows.connect(target, options). */
export const connectOptionsSchema = z.strictObject(
  { poolSize: poolSize.describe('Connections per SQL pool and MongoDB client; Redis uses one pipelined connection.') },
  use('pass { poolSize }'),
)

/** The options of workflows.mix(list, options); the list itself is checked in mix(). */
export const mixOptionsSchema = z.strictObject({
  weights: z
    .array(
      z.number(use('use numbers ≥ 0, at least one above 0')).min(0, use('use numbers ≥ 0, at least one above 0')),
      use('use numbers ≥ 0, at least one above 0'),
    )
    .refine((w) => w.some((x) => x > 0), use('use numbers ≥ 0, at least one above 0'))
    .optional()
    .describe('Relative share of each workflow, one per workflow; equal when missing.'),
  seed: z
    .number(use('use an integer ≥ 0'))
    .int(use('use an integer ≥ 0'))
    .min(0, use('use an integer ≥ 0'))
    .default(1)
    .describe('Drives which workflow each iteration runs.'),
})

/** Unknown keys: a service that does not exist, or a misspelt option. */
export function workflowUnknownKey(key: string, path: string, help: string): string {
  const near = help.startsWith('did you mean') ? `; ${help}` : ''
  if (path === 'target') return `is not a service; use ${list(TARGET_SERVICES)}${near}`
  return `is not an option${near || ` (misspelt?); ${help}`}`
}
