import type { ResolvedRunConfig } from '../../core/load-config.ts'
import type { CustomMetricResult, ErrorKind, AbortReason, RunState } from '../../core/result.ts'
import type { LoadModuleRef } from '../load-module.ts'
import type { SubMetric } from '../../metrics/registry.ts'

/**
 * What a shard (worker thread or driver) is given: its part of the load and the module to run.
 * Everything here is plain data, the same over a MessagePort and over Redis.
 */
export type ShardSpec = {
  runId: string
  shard: number
  shards: number
  name: string
  /** This shard's part of the load, already resolved (durations in ms, scale applied); each scenario's part for scenarios. */
  config: ResolvedRunConfig
  /** Tagged sub-metrics the thresholds declared: shards only measure, the coordinator judges. */
  subMetrics: SubMetric[]
} & ShardModules

/** The load module of one executor's config, or one per scenario of a config with scenarios. */
export type ShardModules = { module: LoadModuleRef; modules?: undefined } | { module?: undefined; modules: Record<string, LoadModuleRef> }

/** What a shard measured in one second, over all its load or one scenario's. */
export interface ShardPart {
  ms: number
  iterations: number
  errors: number
  dropped: number
  vus: number
  vusAllocated: number
  latency: string
  serviceTime: string
  /** Cumulative since the start of the shard's run. */
  errorsByKind: Record<string, ErrorKind>
  metrics: Record<string, CustomMetricResult>
}

/** One closed second of a shard: its histograms encoded, its totals so far. */
export interface ShardSecond extends ShardPart {
  type: 'second'
  shard: number
  t: number
  /** Runs with scenarios: each scenario that ran in this second, by name. */
  scenarios?: Record<string, ShardPart>
}

/** How one scenario of a shard ended (runs with scenarios). */
export interface ShardScenarioEnd {
  interrupted: number
  vusAllocated: number
  /** From the scenario's start to its end, ms. */
  durationMs: number
}

export type ShardMessage =
  /** The load module is imported and the shard waits for the start. */
  | { type: 'ready'; shard: number; id: string }
  | ShardSecond
  | {
      type: 'done'
      shard: number
      interrupted: number
      vusAllocated: number
      state: RunState
      abort?: { reason: AbortReason; detail: string }
      /** Runs with scenarios: how each scenario ended. */
      scenarios?: Record<string, ShardScenarioEnd>
      /** Drivers: control messages of this run the driver dropped. */
      droppedMessages?: number
    }
  | { type: 'failed'; shard: number; message: string }
  | { type: 'heartbeat'; shard: number }

export type ShardCommand =
  /** Start at this wall-clock time (ms since the epoch), so every shard starts together. */
  | { type: 'start'; at: number }
  | { type: 'stop'; reason: string }
  /** Take on part of a lost shard's load: rate × factor (open models) or `vus` more VUs. */
  | { type: 'rebalance'; factor: number; vus: number }
