// `vitest-perf/load`: what a load module (run by worker threads and drivers, outside Vitest) may import.
export { http, HttpClient, PerfHttpHostError, PerfHttpConfigError, PerfHttpRequestError, PerfHttpCheckError, PerfHttpUsageError } from './http/index.ts'
export { workflows, WorkflowConnections } from './workflows/workflows.ts'
export { PerfError } from './errors.ts'
export { durationScale } from './config/validate.ts'
export type { IterationContext, Workflow } from './engine/context.ts'
export type { LoadModule, LoadFactory } from './engine/load-module.ts'
export type { HttpClientOptions, RequestOptions, RequestSpec, RequestTemplate, HttpResponse, CheckSpec } from './http/index.ts'
