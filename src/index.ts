export { perfTest } from './runtime/perf-test.ts'
export { runLoad } from './run/run-load.ts'
export { durationScale } from './config/validate.ts'
export { expectPerformance } from './runtime/expect-performance.ts'
export { runAB } from './baselines/ab.ts'
export { findCapacity } from './analysis/capacity.ts'
export { matrix, bytes } from './analysis/matrix.ts'
export { faults } from './faults/catalog.ts'
export {
  http,
  HttpClient,
  PerfHttpHostError,
  PerfHttpConfigError,
  PerfHttpRequestError,
  PerfHttpCheckError,
  PerfHttpUsageError,
} from './http/index.ts'
export { workflows, WorkflowConnections, PerfWorkflowError, PerfWorkflowConfigError } from './workflows/workflows.ts'
export { startProxy, withProxy, closeAllProxies } from './faults/proxy.ts'
export {
  PerfError,
  PerfConfigError,
  PerfThresholdError,
  PerfThresholdSyntaxError,
  PerfInfraError,
  PerfBaselineError,
  PerfRegressionError,
  PerfHistogramError,
  PerfFaultError,
  PerfFaultConfigError,
} from './core/errors.ts'
export type { PerfFixtures, RunFn, PerfTestAPI } from './runtime/perf-test.ts'
export type { RunOptions } from './run/options.ts'
export type { ResourceSample, ServerSample, WatchedServer } from './core/resource-sample.ts'
export type { LeakLimits, StabilityLimits } from './monitor/matchers.ts'
export type { IterationContext, Workflow } from './engine/context.ts'
export type { Tags } from './metrics/registry.ts'
export type { LoadModule, LoadFactory, ScenarioWorkflows } from './engine/load-module.ts'
export type {
  LoadConfig,
  ExecutorName,
  Duration,
  ResolvedLoadConfig,
  ConstantVusInput,
  RampingVusInput,
  SharedIterationsInput,
  PerVuIterationsInput,
  ConstantArrivalRateInput,
  RampingArrivalRateInput,
  FixedIntervalInput,
  CommonOptions,
  OpenModelOptions,
  StageInput,
  ConstantVusConfig,
  RampingVusConfig,
  SharedIterationsConfig,
  PerVuIterationsConfig,
  ConstantArrivalRateConfig,
  RampingArrivalRateConfig,
  FixedIntervalConfig,
  ResolvedCommon,
  ResolvedOpenModel,
  Stage,
  DistributedOptions,
  DistributedConfig,
  ScenariosInput,
  ScenarioInput,
  ScenarioOptions,
  RunWideOption,
  ResolvedScenario,
  ScenariosConfig,
  ResolvedRunConfig,
} from './core/load-config.ts'
export type {
  RunResult,
  RunState,
  RESULT_VERSION,
  TimelinePoint,
  CustomMetricResult,
  ErrorKind,
  ShardSummary,
  DroppedMessages,
  AbortReason,
  InfraUsed,
  RepetitionSummary,
  ScenarioResult,
  ScenarioRepetition,
} from './core/result.ts'
export type { LatencySummary } from './core/result.ts'
export type { ThresholdsInput, ThresholdInput } from './core/load-config.ts'
export type { ThresholdOutcome } from './core/result.ts'
export type { ABOptions, ABResult } from './baselines/ab.ts'
export type { CapacityOptions, CapacityResult, CapacityStep } from './analysis/capacity.ts'
export type { Cell, MatrixContext } from './analysis/matrix.ts'
export type { MatrixTag, MatrixValue, MetricName } from './core/result.ts'
export type { Fault, activate, withFault } from './faults/fault.ts'
export type { Faults, toxic } from './faults/catalog.ts'
export type {
  connectionExhaustion,
  killConnections,
  lockTable,
  pauseServer,
  restartServer,
  statementTimeout,
} from './faults/database-faults.ts'
export type { cpuPressure, eventLoopBlock, memoryPressure } from './faults/process-faults.ts'
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
export type { WorkflowErrorCode } from './workflows/errors.ts'
export type { TcpProxy, Toxic, ProxyStats } from './faults/proxy.ts'
export type { UpstreamAddress } from './faults/proxy-connection.ts'
export type { ProxyOptions, ProxyUpstream } from './faults/proxy-options.ts'
export type {
  ToxicOptions,
  ToxicSpec,
  ToxicType,
  ToxicStream,
  ToxicAttributes,
  AttributesField,
  TOXIC_TYPES,
} from './faults/toxic-options.ts'
export type { ScheduledFault, RandomFault, FaultPlan } from './faults/schedule.ts'
export type { FaultWindow } from './core/result.ts'
export type { FaultImpact } from './core/result.ts'
export type { RecoveryBounds } from './faults/recovery.ts'
export type { BaselineOptions } from './baselines/matcher.ts'
export type { BaselineComparison, MetricComparison, Verdict, Severity, MachineDrift } from './core/result.ts'
export type { CpuUsage, ProbeReadings } from './core/result.ts'
export type { CompareOptions, SeverityLevels } from './baselines/compare.ts'
export type { DatabaseFixture, ClientOptions } from './runtime/infra-fixtures.ts'
export type { ServiceFixture, ServerInfo, ServiceName, Tuning, ProviderName, ProviderFailure } from './broker/wire.ts'
export type { PerformanceAssertion } from './runtime/expect-performance.ts'
export type { ConfigProblem, FaultErrorCode } from './core/errors.ts'
