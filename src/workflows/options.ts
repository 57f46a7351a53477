import type { ConfigProblem } from '../errors.ts'
import { PerfWorkflowConfigError } from './errors.ts'
import { COMPLEXITIES, KIND_ABBREV, MAX_STAGES, PROFILES, SIZE_LIMITS, WORKFLOW_KINDS, type WorkflowComplexity, type WorkflowKind, type WorkflowSizes } from './profiles.ts'
import { DEFAULT_POOL_SIZE, STORES, TARGET_SERVICES, WorkflowConnections, type StoreName, type WorkflowTarget } from './target.ts'

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

const OPTION_KEYS = new Set(['kind', 'complexity', 'seed', 'target', 'store', 'poolSize', 'prefix', 'tags', ...Object.keys(SIZE_LIMITS)])
const PREFIX_RE = /^[a-z][a-z0-9_]{0,23}$/

const list = (items: readonly string[]) => items.map((i) => `'${i}'`).join(', ')
const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : v === undefined ? 'missing' : JSON.stringify(v) ?? String(v))

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function targetProblems(target: unknown, store: unknown, problems: ConfigProblem[]): StoreName[] {
  if (target instanceof WorkflowConnections) return target.stores
  if (!isObject(target)) {
    problems.push({ path: 'target', message: `is ${shown(target)}; pass the fixtures, e.g. target: { postgres, redis }` })
    return []
  }
  for (const key of Object.keys(target)) {
    if (!(TARGET_SERVICES as readonly string[]).includes(key)) problems.push({ path: `target.${key}`, message: `is not a service; use ${list(TARGET_SERVICES)}` })
  }
  const stores: StoreName[] = []
  for (const service of TARGET_SERVICES) {
    const spec = target[service]
    if (spec === undefined) continue
    if (!isObject(spec) || (typeof spec.url !== 'string' && typeof spec.host !== 'string')) {
      problems.push({ path: `target.${service}`, message: `needs a url or a host (the ${service} fixture has both); got ${shown(spec)}` })
    } else if (service !== 'redis') stores.push(service)
  }
  if (stores.length === 0 && store === undefined) {
    problems.push({ path: 'target', message: `has no database for the workflow's data: add postgres, mysql or mongodb (redis only caches); got ${list(Object.keys(target))}` })
  }
  return stores
}

function poolSizeOf(value: unknown, problems: ConfigProblem[]): number {
  if (value === undefined) return DEFAULT_POOL_SIZE
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) problems.push({ path: 'poolSize', message: `is ${shown(value)}; use an integer from 1 to 1000` })
  return value as number
}

/** Checks the target and pool size of workflows.connect(), every problem at once. */
export function checkConnect(target: unknown, options: unknown): number {
  const problems: ConfigProblem[] = []
  if (target instanceof WorkflowConnections) problems.push({ path: 'target', message: 'is already a connect() handle; pass it to generate() as target' })
  else targetProblems(target, undefined, problems)
  const poolSize = poolSizeOf(isObject(options) ? options.poolSize : undefined, problems)
  if (options !== undefined && !isObject(options)) problems.push({ path: 'options', message: `is ${shown(options)}; pass { poolSize }` })
  if (problems.length > 0) throw new PerfWorkflowConfigError(problems)
  return poolSize
}

function sizeProblems(options: Record<string, unknown>, kind: WorkflowKind | undefined, problems: ConfigProblem[]): void {
  for (const [key, limit] of Object.entries(SIZE_LIMITS)) {
    const v = options[key]
    if (v === undefined) continue
    const max = key === 'stages' && kind ? MAX_STAGES[kind] : limit.max
    if (typeof v !== 'number' || !Number.isFinite(v) || (limit.integer && !Number.isInteger(v)) || v < limit.min || v > max) {
      problems.push({ path: key, message: `is ${shown(v)}; use ${limit.integer ? 'an integer' : 'a number'} from ${limit.min} to ${max}` })
    }
  }
}

/** Checks everything at once and fills in the complexity's sizes; throws PerfWorkflowConfigError listing every problem. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const problems: ConfigProblem[] = []
  if (!isObject(input)) throw new PerfWorkflowConfigError([{ path: '', message: `is ${shown(input)}; pass an object such as { kind: 'analytics', target: { postgres } }` }])
  const o = input
  for (const key of Object.keys(o)) if (!OPTION_KEYS.has(key)) problems.push({ path: key, message: 'is not an option (misspelt?)' })
  const kind = (WORKFLOW_KINDS as readonly unknown[]).includes(o.kind) ? (o.kind as WorkflowKind) : undefined
  if (!kind) problems.push({ path: 'kind', message: `is ${shown(o.kind)}; use one of ${list(WORKFLOW_KINDS)}` })
  const complexity = (o.complexity ?? 'medium') as WorkflowComplexity
  if (!COMPLEXITIES.includes(complexity)) problems.push({ path: 'complexity', message: `is ${shown(o.complexity)}; use one of ${list(COMPLEXITIES)}` })
  const seed = o.seed ?? 1
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) problems.push({ path: 'seed', message: `is ${shown(o.seed)}; use an integer ≥ 0` })
  const stores = targetProblems(o.target, o.store, problems)
  if (o.store !== undefined) {
    if (!(STORES as readonly unknown[]).includes(o.store)) problems.push({ path: 'store', message: `is ${shown(o.store)}; use one of ${list(STORES)}` })
    else if (!stores.includes(o.store as StoreName)) problems.push({ path: 'store', message: `is '${o.store}' but the target has no ${o.store}${stores.length ? ` (it has ${list(stores)})` : ''}` })
  }
  const poolSize = poolSizeOf(o.poolSize, problems)
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || !PREFIX_RE.test(o.prefix))) {
    problems.push({ path: 'prefix', message: `is ${shown(o.prefix)}; use 1–24 lower-case letters, digits or _, starting with a letter` })
  }
  if (o.tags !== undefined && (!isObject(o.tags) || Object.values(o.tags).some((v) => typeof v !== 'string' || v === '' || /[,{}]/.test(v)))) {
    problems.push({ path: 'tags', message: `is ${shown(o.tags)}; use non-empty string values without , { }` })
  }
  if (isObject(o.tags) && 'step' in o.tags) problems.push({ path: 'tags.step', message: 'is set by each step; pick another tag name' })
  sizeProblems(o, kind, problems)
  if (problems.length > 0 || !kind) throw new PerfWorkflowConfigError(problems)
  const sizes = { ...PROFILES[kind][complexity] }
  for (const key of Object.keys(SIZE_LIMITS) as (keyof WorkflowSizes)[]) if (o[key] !== undefined) sizes[key] = o[key] as number
  const target = o.target as WorkflowTarget | WorkflowConnections
  return {
    kind,
    complexity,
    seed: seed as number,
    store: (o.store as StoreName | undefined) ?? stores[0],
    cache: target.redis !== undefined,
    prefix: (o.prefix as string | undefined) ?? `${KIND_ABBREV[kind]}${seed}${complexity[0]}_`,
    poolSize,
    tags: o.tags as Record<string, string> | undefined,
    sizes,
  }
}
