import type { ResolvedLoadConfig } from '../../config/schemas.ts'
import type { CustomMetricResult, ErrorKind, AbortReason, RunState } from '../../metrics/result.ts'
import type { LoadModuleRef } from '../load-module.ts'

/**
 * What a shard (worker thread or driver) is given: its part of the load and the module to run.
 * Everything here is plain data, the same over a MessagePort and over Redis.
 */
export interface ShardSpec {
  runId: string
  shard: number
  shards: number
  name: string
  /** This shard's part of the load, already resolved (durations in ms, scale applied). */
  config: ResolvedLoadConfig
  /** The thresholds as the user wrote them: shards only need their tagged sub-metrics. */
  thresholds: unknown
  module: LoadModuleRef
}

/** One closed second of a shard: its histograms encoded, its totals so far. */
export interface ShardSecond {
  type: 'second'
  shard: number
  t: number
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

export type ShardMessage =
  /** The load module is imported and the shard waits for the start. */
  | { type: 'ready'; shard: number; id: string }
  | ShardSecond
  | { type: 'done'; shard: number; interrupted: number; vusAllocated: number; state: RunState; abort?: { reason: AbortReason; detail: string } }
  | { type: 'failed'; shard: number; message: string }
  | { type: 'heartbeat'; shard: number }

export type ShardCommand =
  /** Start at this wall-clock time (ms since the epoch), so every shard starts together. */
  | { type: 'start'; at: number }
  | { type: 'stop'; reason: string }
  /** Take on part of a lost shard's load: rate × factor (open models) or `vus` more VUs. */
  | { type: 'rebalance'; factor: number; vus: number }
