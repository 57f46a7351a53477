// `vitest-perf/load`: what a load module (run by worker threads and drivers, outside Vitest) may import.
export {
  http,
  HttpClient,
  PerfHttpHostError,
  PerfHttpConfigError,
  PerfHttpRequestError,
  PerfHttpCheckError,
  PerfHttpUsageError,
} from './http/index.ts'
export { workflows, WorkflowConnections } from './workflows/workflows.ts'
export { PerfError } from './core/errors.ts'
export { durationScale } from './config/validate.ts'
export type { IterationContext, Workflow } from './engine/context.ts'
export type { Tags } from './metrics/registry.ts'
export type { LoadModule, LoadFactory } from './engine/load-module.ts'
export type {
  HttpClientOptions,
  RequestOptions,
  RequestSpec,
  RequestTemplate,
  HttpResponse,
  CheckSpec,
  StatusCheck,
  BodyCheck,
  HttpMethod,
  Dynamic,
  TemplateVars,
  HttpFailureCode,
  Duration as HttpDuration,
} from './http/index.ts'
export type { Sendable } from './http/client.ts'
export type { ConfigProblem } from './core/errors.ts'
export type {
  GenerateOptions,
  GeneratedWorkflow,
  WorkflowDescription,
  WorkflowKind,
  WorkflowComplexity,
  WorkflowSizes,
  WorkflowTarget,
  ConnectionSpec,
  ConnectOptions,
  StoreName,
  MixOptions,
  WorkflowMix,
  generate,
  connect,
} from './workflows/workflows.ts'
export type { mix } from './workflows/mix.ts'
export type { WORKFLOW_KINDS, COMPLEXITIES } from './workflows/profiles.ts'
export type { STORES } from './workflows/target.ts'
export type { SqlClient, SqlRunner, Row } from './workflows/sql-client.ts'
export type { Dialect } from './workflows/sql-dialect.ts'
export type { MongoHandle } from './workflows/mongo-store.ts'
