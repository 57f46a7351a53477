// The load config as users write it (`LoadConfig`) and as the engine runs it (`ResolvedLoadConfig`).
// Written by hand so editors show these docs and defaults; src/config/schemas.ts validates
// exactly these shapes (a type test there fails when the two drift apart).

/** `'30s'`, `'1m30s'`, `'500ms'`, `'1h'` (units in decreasing order), or a number of milliseconds. */
export type Duration = string | number

/** One threshold: a k6 expression, or the expression with abort options. */
export type ThresholdInput =
  | string
  | {
      /** k6 expression: `'p(95)<200ms'`, `'rate<0.01'`, `'count>10'`, `'p(99)<1s over 10s'`. */
      threshold: string
      /** Stop the run as soon as this threshold fails. @default false */
      abortOnFail?: boolean
      /** Time from the start during which abortOnFail does not act (warm-up). @default 0 */
      delayAbortEval?: Duration
    }

/** Keys are metric keys such as `latency` or `latency{step:checkout}`. */
export type ThresholdsInput = Record<string, ThresholdInput | readonly ThresholdInput[]>

export type ExecutorName =
  | 'constant-vus'
  | 'ramping-vus'
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate'
  | 'fixed-interval'

/** One stage of a ramp: reach `target` (VUs, or iterations per timeUnit) over `duration`. */
export interface StageInput {
  duration: Duration
  target: number
}

/** Drivers in other processes or machines, coordinated through Redis (docs/distributed.md). */
export interface DistributedOptions {
  /** Redis URL the coordinator and the drivers (`vitest-perf driver --redis <url>`) share. */
  redis: string
  /** How many drivers take part (1–256). */
  drivers: number
  /** Key prefix of every Redis key and stream, so several projects can share one Redis. @default 'vitest-perf' */
  prefix?: string
  /** How long the coordinator waits for enough idle drivers. @default '30s' */
  waitFor?: Duration
  /** Drivers report every interval; one silent for three intervals is lost. @default '1s' */
  heartbeat?: Duration
  /** A lost driver fails the run, or its share moves to the drivers left. @default 'fail' */
  onDriverLost?: 'fail' | 'rebalance'
  /** REST API on the coordinator while the run lasts (list runs, live stats, stop). */
  api?: {
    /** @default '127.0.0.1' */
    host?: string
    /** 0 picks a free port. @default 0 */
    port?: number
    /** Bearer token every request must carry (at least 16 characters). @default a random one per server, printed with its URL */
    token?: string
  }
  /** File holding the key that signs specs, commands and messages (docs/distributed.md). @default the VITEST_PERF_DRIVER_KEY variable */
  keyFile?: string
}

/** Options every executor takes. */
export interface CommonOptions {
  /** Label for reports; perfTest uses the test name when missing. */
  name?: string
  /** Time in-flight iterations get to finish after the planned end. @default '10s' */
  gracefulStop?: Duration
  /** k6-style thresholds; breached ones fail the perf test (docs/thresholds.md). */
  thresholds?: ThresholdsInput
  /** Worker threads sharing the load (1–64, each its own event loop); the workflow must be a load module. */
  workers?: number
  /** Drivers in other processes sharing the load; the workflow must be a load module. */
  distributed?: DistributedOptions
  /**
   * Lifts the limits of 10 000 VUs, 100 000 iterations/s and 24 h per run (docs/configuration.md,
   * "Limits"). The timers' limit of 596 h (2^31−1 ms) stays. @default false
   */
  unbounded?: boolean
}

/** Options of the open models (arrival-rate executors). */
export interface OpenModelOptions {
  /** The unit of `rate` and stage targets. @default '1s' */
  timeUnit?: Duration
  /** VUs created before the start. @default min(maxVUs, 10) */
  preAllocatedVUs?: number
  /** At most this many iterations in flight. @default 100 */
  maxVUs?: number
  /** With every VU busy: drop the iteration and count it (k6), or queue it to start late (wrk2). @default 'drop' */
  overload?: 'drop' | 'queue'
  /** With overload 'queue': at most this many arrivals wait for a VU; later ones are dropped and counted. @default 10000 */
  maxQueue?: number
}

/** A fixed number of VUs looping for a duration and/or up to a total iteration cap. */
export interface ConstantVusInput extends CommonOptions {
  executor: 'constant-vus'
  /** @default 1 */
  vus?: number
  duration?: Duration
  iterations?: number
}

/** The VU count follows the stages, from `startVUs`. */
export interface RampingVusInput extends CommonOptions {
  executor: 'ramping-vus'
  /** @default 0 */
  startVUs?: number
  stages: StageInput[]
}

/** A total number of iterations shared by the VUs. */
export interface SharedIterationsInput extends CommonOptions {
  executor: 'shared-iterations'
  /** @default 1 */
  vus?: number
  iterations: number
  /** @default '10m' */
  maxDuration?: Duration
}

/** Each VU runs exactly `iterations` iterations. */
export interface PerVuIterationsInput extends CommonOptions {
  executor: 'per-vu-iterations'
  /** @default 1 */
  vus?: number
  iterations: number
  /** @default '10m' */
  maxDuration?: Duration
}

/** `rate` iterations per `timeUnit`, started at planned times whatever the response times. */
export interface ConstantArrivalRateInput extends CommonOptions, OpenModelOptions {
  executor: 'constant-arrival-rate'
  rate: number
  duration: Duration
}

/** The arrival rate moves linearly through the stages, from `startRate`. */
export interface RampingArrivalRateInput extends CommonOptions, OpenModelOptions {
  executor: 'ramping-arrival-rate'
  /** @default 0 */
  startRate?: number
  stages: StageInput[]
}

/** Each VU waits `interval` after every iteration. */
export interface FixedIntervalInput extends CommonOptions {
  executor: 'fixed-interval'
  /** @default 1 */
  vus?: number
  interval: Duration
  duration?: Duration
  iterations?: number
}

/** What users write: durations as '30s' strings or milliseconds. */
export type LoadConfig =
  | ConstantVusInput
  | RampingVusInput
  | SharedIterationsInput
  | PerVuIterationsInput
  | ConstantArrivalRateInput
  | RampingArrivalRateInput
  | FixedIntervalInput

/** Options that belong to the whole run of a config with scenarios, never to one scenario. */
export type RunWideOption = 'name' | 'thresholds' | 'workers' | 'distributed' | 'unbounded'

/** What a scenario adds to its executor's options (docs/scenarios.md). */
export interface ScenarioOptions {
  /** Time from the start of the run before this scenario starts its first iteration. @default 0 */
  startTime?: Duration
}

/** One scenario: an executor's options without the run-wide ones, and when it starts. */
export type ScenarioInput =
  | (Omit<ConstantVusInput, RunWideOption> & ScenarioOptions)
  | (Omit<RampingVusInput, RunWideOption> & ScenarioOptions)
  | (Omit<SharedIterationsInput, RunWideOption> & ScenarioOptions)
  | (Omit<PerVuIterationsInput, RunWideOption> & ScenarioOptions)
  | (Omit<ConstantArrivalRateInput, RunWideOption> & ScenarioOptions)
  | (Omit<RampingArrivalRateInput, RunWideOption> & ScenarioOptions)
  | (Omit<FixedIntervalInput, RunWideOption> & ScenarioOptions)

/**
 * Several loads in one run, k6's `scenarios`: each scenario has its own executor, VUs and
 * workflow (the second argument of runLoad() maps scenario names to workflows), and all run at
 * once from their `startTime`. Every metric is also kept per scenario, as `latency{scenario:name}`.
 */
export interface ScenariosInput<S extends string = string> {
  /** Scenario name → its executor options; names are letters, digits, `_` and `-`. */
  scenarios: Record<S, ScenarioInput>
  /** Label for reports; perfTest uses the test name when missing. */
  name?: string
  /** Thresholds on the whole run and on single scenarios: `{ 'latency{scenario:checkout}': ['p(95)<300ms'] }`. */
  thresholds?: ThresholdsInput
  /** Worker threads sharing every scenario's load; the workflows must be load modules. */
  workers?: number
  /** Drivers in other processes sharing every scenario's load; the workflows must be load modules. */
  distributed?: DistributedOptions
  /** Lifts the limits of 10 000 VUs, 100 000 iterations/s and 24 h per scenario. @default false */
  unbounded?: boolean
}

// Resolved forms: durations in ms, defaults filled in, thresholds compiled apart.

export interface Stage {
  /** ms */
  duration: number
  target: number
}

export interface DistributedConfig {
  redis: string
  drivers: number
  prefix: string
  waitFor: number
  heartbeat: number
  onDriverLost: 'fail' | 'rebalance'
  api?: { host: string; port: number; token?: string }
  keyFile?: string
}

export interface ResolvedCommon {
  name?: string
  gracefulStop: number
  workers?: number
  distributed?: DistributedConfig
  /** The limits on VUs, rates and run length were lifted. */
  unbounded?: boolean
}

export interface ResolvedOpenModel {
  timeUnit: number
  preAllocatedVUs: number
  maxVUs: number
  overload: 'drop' | 'queue'
  /** Arrivals that may wait for a VU with overload 'queue'. */
  maxQueue: number
  /** 0–1, set when a rate is split across shards: offsets the arrivals so shards interleave. */
  phase?: number
}

export interface ConstantVusConfig extends ResolvedCommon {
  executor: 'constant-vus'
  vus: number
  duration?: number
  iterations?: number
}

export interface RampingVusConfig extends ResolvedCommon {
  executor: 'ramping-vus'
  startVUs: number
  stages: Stage[]
}

export interface SharedIterationsConfig extends ResolvedCommon {
  executor: 'shared-iterations'
  vus: number
  iterations: number
  maxDuration: number
}

export interface PerVuIterationsConfig extends ResolvedCommon {
  executor: 'per-vu-iterations'
  vus: number
  iterations: number
  maxDuration: number
}

export interface ConstantArrivalRateConfig extends ResolvedCommon, ResolvedOpenModel {
  executor: 'constant-arrival-rate'
  rate: number
  duration: number
}

export interface RampingArrivalRateConfig extends ResolvedCommon, ResolvedOpenModel {
  executor: 'ramping-arrival-rate'
  startRate: number
  stages: Stage[]
}

export interface FixedIntervalConfig extends ResolvedCommon {
  executor: 'fixed-interval'
  vus: number
  interval: number
  duration?: number
  iterations?: number
}

/** A validated load config: durations in milliseconds, defaults filled in. */
export type ResolvedLoadConfig =
  | ConstantVusConfig
  | RampingVusConfig
  | SharedIterationsConfig
  | PerVuIterationsConfig
  | ConstantArrivalRateConfig
  | RampingArrivalRateConfig
  | FixedIntervalConfig

/** A validated scenario: its executor's resolved options and `startTime` in ms. */
export type ResolvedScenario = ResolvedLoadConfig & { startTime: number }

/** A validated config with scenarios. `executor` is `'scenarios'` so results and reports can tell it apart. */
export interface ScenariosConfig {
  executor: 'scenarios'
  name?: string
  /** The longest gracefulStop of the scenarios: the run's hard stop is never before any scenario's. */
  gracefulStop: number
  workers?: number
  distributed?: DistributedConfig
  unbounded?: boolean
  scenarios: Record<string, ResolvedScenario>
}

/** What a run was given, validated: one executor's config, or scenarios. */
export type ResolvedRunConfig = ResolvedLoadConfig | ScenariosConfig
