import type { ConfigProblem } from '../core/errors.ts'
import { PerfWorkflowConfigError } from './errors.ts'
import { parseOptions } from '../config/zod-problems.ts'
import { connectOptionsSchema, generateOptionsSchema, storesOf, targetSchema, workflowUnknownKey } from './options-schema.ts'
import { KIND_ABBREV, PROFILES, SIZE_LIMITS, type WorkflowComplexity, type WorkflowKind, type WorkflowSizes } from './profiles.ts'
import { WorkflowConnections, type StoreName, type WorkflowTarget } from './target.ts'

export interface GenerateOptions extends Partial<WorkflowSizes> {
  kind: WorkflowKind
  /** Default `'medium'`. */
  complexity?: WorkflowComplexity
  /** Drives every generated value and choice: the same seed gives the same statements. Default 1. */
  seed?: number
  /** Fixtures, connection specs, or a shared `workflows.connect()` handle. */
  target: WorkflowTarget | WorkflowConnections
  /** Which database holds the data when the target has several (default: postgres, then mysql, then mongodb). */
  store?: StoreName
  /** Connections of the pools generate() creates (default 20); ignored for a connect() handle. */
  poolSize?: number
  /** Prefix of every table, collection and Redis key (default `<kind><seed><complexity>_`, e.g. `dp42m_`). */
  prefix?: string
  /** Added to every step's `latency{step:…}` sample, e.g. `{ workflow: 'orders' }`. */
  tags?: Record<string, string>
}

export interface ResolvedOptions {
  kind: WorkflowKind
  complexity: WorkflowComplexity
  seed: number
  store: StoreName
  cache: boolean
  prefix: string
  poolSize: number
  tags?: Record<string, string>
  sizes: WorkflowSizes
}

function problemsOf(...outcomes: { ok: boolean; problems?: ConfigProblem[] }[]): ConfigProblem[] {
  return outcomes.flatMap((o) => o.problems ?? [])
}

/** Checks the target and pool size of workflows.connect(), every problem at once. */
export function checkConnect(target: unknown, options: unknown): number {
  if (target instanceof WorkflowConnections)
    throw new PerfWorkflowConfigError([{ path: 'target', message: 'is already a connect() handle; pass it to generate() as target' }])
  const checkedTarget = parseOptions(targetSchema, target, {
    prefix: 'target',
    unknownKey: (key, _, help) => workflowUnknownKey(key, 'target', help),
  })
  const checked = parseOptions(connectOptionsSchema, options ?? {}, { unknownKey: workflowUnknownKey })
  const problems = problemsOf(checkedTarget, checked).map((p) => (p.path === '' ? { ...p, path: 'options' } : p))
  if (problems.length > 0 || !checked.ok) throw new PerfWorkflowConfigError(problems)
  return checked.data.poolSize
}

/** Checks everything at once and fills in the complexity's sizes; throws PerfWorkflowConfigError listing every problem. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const checked = parseOptions(generateOptionsSchema, input, { unknownKey: workflowUnknownKey })
  if (!checked.ok) throw new PerfWorkflowConfigError(checked.problems)
  const o = checked.data
  const sizes = { ...PROFILES[o.kind][o.complexity] }
  for (const key of Object.keys(SIZE_LIMITS) as (keyof WorkflowSizes)[]) if (o[key] !== undefined) sizes[key] = o[key]
  const target = o.target as WorkflowTarget | WorkflowConnections
  return {
    kind: o.kind,
    complexity: o.complexity,
    seed: o.seed,
    store: o.store ?? storesOf(target)![0],
    cache: target.redis !== undefined,
    prefix: o.prefix ?? `${KIND_ABBREV[o.kind]}${o.seed}${o.complexity[0]}_`,
    poolSize: o.poolSize,
    tags: o.tags,
    sizes,
  }
}
