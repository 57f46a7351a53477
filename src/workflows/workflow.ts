import type { Redis } from 'ioredis'
import type { IterationContext } from '../engine/context.ts'
import { setupFailed, stateError } from './errors.ts'
import type { ResolvedOptions } from './options.ts'
import type { WorkflowComplexity, WorkflowKind, WorkflowSizes } from './profiles.ts'
import type { SqlClient } from './sql-client.ts'
import type { MongoHandle } from './mongo-store.ts'
import type { StoreName, WorkflowConnections } from './target.ts'

/** What describe() tells: enough to compare two generated workflows statement by statement. */
export interface WorkflowDescription {
  name: string
  kind: WorkflowKind
  complexity: WorkflowComplexity
  seed: number
  store: StoreName
  cache: 'redis' | 'none'
  prefix: string
  steps: string[]
  tables: string[]
  sizes: WorkflowSizes
  /** Joins per statement: 1 (simple) … 4 (complex: every dimension, window functions, CTEs). */
  joins: number
  /** Seeded choices (thresholds, tiers, predicates) the statements are built from. */
  parameters: Record<string, unknown>
  /** DDL (SQL) or collections and indexes (MongoDB) that setup() creates. */
  schema: string[]
  /** Per step, the statements it sends (SQL as the server gets it; MongoDB operations as JSON). */
  statements: Record<string, string[]>
}

export interface GeneratedWorkflow {
  readonly name: string
  readonly steps: readonly string[]
  /** Creates tables and indexes and seeds reference data; idempotent. */
  setup(): Promise<void>
  /** One execution; each step timed as `latency{step:<name>}`. A bound function: `run(config, wf.run)` works. */
  readonly run: (ctx: IterationContext) => Promise<void>
  /** Closes the pools generate() opened (not those of a workflows.connect() handle). */
  teardown(): Promise<void>
  describe(): WorkflowDescription
  /** The generated input of one iteration (CSV batch, query parameters, records): deterministic for seed and iteration. */
  input(iteration: number): unknown
  /** Rows (documents) per table (collection) of this workflow: what landed. */
  counts(): Promise<Record<string, number>>
}

/** One execution's view: its context, its step timer, and clients that count retries on it. */
export interface RunScope {
  readonly iteration: number
  readonly ctx: IterationContext
  step<T>(name: string, fn: () => Promise<T>): Promise<T>
  readonly sql?: SqlClient
  readonly mongo?: MongoHandle
  readonly redis?: Redis
}

/** What a kind provides for one store; the wrapper adds state checks, timing and teardown. */
export interface KindWorkflow {
  steps: string[]
  tables: string[]
  joins: number
  parameters: Record<string, unknown>
  schema: string[]
  statements: Record<string, string[]>
  input(iteration: number): unknown
  setup(): Promise<void>
  run(scope: RunScope): Promise<void>
  counts(): Promise<Record<string, number>>
}

type State = 'generated' | 'ready' | 'closed'

export function wrapWorkflow(o: ResolvedOptions, impl: KindWorkflow, conns: WorkflowConnections, owned: boolean): GeneratedWorkflow {
  const name = `${o.kind}/${o.complexity}#${o.seed}`
  let state: State = 'generated'
  let settingUp: Promise<void> | undefined
  const sql = o.store === 'postgres' || o.store === 'mysql' ? conns[o.store] : undefined
  const mongo = o.store === 'mongodb' ? conns.mongodb : undefined

  const run = async (ctx: IterationContext): Promise<void> => {
    if (state !== 'ready') throw stateError(name, state, 'run')
    const tags = o.tags
    const scope: RunScope = {
      iteration: ctx.iteration,
      ctx,
      step: tags ? (step, fn) => ctx.time(step, fn, tags) : (step, fn) => ctx.time(step, fn),
      sql: sql?.withRetries(() => ctx.counter('workflow_retries')),
      mongo,
      redis: conns.redis,
    }
    await impl.run(scope)
  }

  return {
    name,
    steps: impl.steps,
    run,
    async setup() {
      if (state === 'closed') throw stateError(name, state, 'set up')
      settingUp ??= impl.setup().then(
        () => void (state = 'ready'),
        (cause: unknown) => {
          settingUp = undefined
          throw setupFailed(name, o.store, cause)
        },
      )
      await settingUp
    },
    async teardown() {
      if (state === 'closed') return
      state = 'closed'
      if (owned) await conns.close()
    },
    describe: () => ({
      name,
      kind: o.kind,
      complexity: o.complexity,
      seed: o.seed,
      store: o.store,
      cache: o.cache ? 'redis' : 'none',
      prefix: o.prefix,
      steps: [...impl.steps],
      tables: [...impl.tables],
      sizes: { ...o.sizes },
      joins: impl.joins,
      parameters: structuredClone(impl.parameters),
      schema: [...impl.schema],
      statements: Object.fromEntries(impl.steps.map((step) => [step, [...(impl.statements[step] ?? [])]])),
    }),
    input: (iteration) => impl.input(iteration),
    counts: () => impl.counts(),
  }
}
