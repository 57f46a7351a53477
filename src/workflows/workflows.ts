import { analyticsMongo } from './analytics-mongo.ts'
import { analyticsSql } from './analytics-sql.ts'
import { analytics, anParameters } from './analytics.ts'
import { dataProcessingMongo } from './data-processing-mongo.ts'
import { dataProcessingSql } from './data-processing-sql.ts'
import { dataProcessing, dpParameters } from './data-processing.ts'
import { mix } from './mix.ts'
import { checkConnect, resolveOptions, type GenerateOptions, type ResolvedOptions } from './options.ts'
import { openConnections, WorkflowConnections, type ConnectOptions, type WorkflowTarget } from './target.ts'
import { transformationMongo } from './transformation-mongo.ts'
import { transformationSql } from './transformation-sql.ts'
import { transformation, trParameters } from './transformation.ts'
import { wrapWorkflow, type GeneratedWorkflow, type KindWorkflow } from './workflow.ts'

function build(o: ResolvedOptions, conns: WorkflowConnections): KindWorkflow {
  const sql = o.store === 'postgres' || o.store === 'mysql' ? conns[o.store] : undefined
  const mongo = conns.mongodb
  switch (o.kind) {
    case 'data-processing': {
      const p = dpParameters(o)
      return dataProcessing(o, sql ? dataProcessingSql(o, p, sql) : dataProcessingMongo(o, p, mongo!), p)
    }
    case 'analytics': {
      const p = anParameters(o)
      return analytics(o, sql ? analyticsSql(o, p, sql) : analyticsMongo(o, p, mongo!), p)
    }
    case 'transformation': {
      const p = trParameters(o)
      return transformation(o, sql ? transformationSql(o, p, sql) : transformationMongo(o, p, mongo!), p)
    }
  }
}

/**
 * Builds a workflow of `kind` for the target's database: validates every option first (all
 * problems at once), opens one pool per database (connections made on first use) unless given
 * a workflows.connect() handle, and derives every statement and value from `seed`.
 */
export async function generate(options: GenerateOptions): Promise<GeneratedWorkflow> {
  const o = resolveOptions(options)
  const shared = options.target instanceof WorkflowConnections
  const conns = shared ? (options.target as WorkflowConnections) : await openConnections(options.target as WorkflowTarget, o.poolSize)
  return wrapWorkflow(o, build(o, conns), conns, !shared)
}

/** One pool per database for several workflows; close it (or `await using`) after their teardown. */
export async function connect(target: WorkflowTarget, options?: ConnectOptions): Promise<WorkflowConnections> {
  return openConnections(target, checkConnect(target, options))
}

/**
 * Generated, deterministic workflows that run real statements on the test's databases:
 * `const wf = await workflows.generate({ kind: 'analytics', seed: 42, target: { postgres, redis } })`.
 */
export const workflows = { generate, connect, mix }

export type Workflows = typeof workflows
export type { GenerateOptions } from './options.ts'
export type { GeneratedWorkflow, WorkflowDescription } from './workflow.ts'
export type { WorkflowKind, WorkflowComplexity, WorkflowSizes } from './profiles.ts'
export type { WorkflowTarget, ConnectOptions, StoreName } from './target.ts'
export type { ConnectionSpec } from './connection-spec.ts'
export type { MixOptions, WorkflowMix } from './mix.ts'
export { WorkflowConnections } from './target.ts'
export { PerfWorkflowError, PerfWorkflowConfigError } from './errors.ts'
