import type { DroppedMessages } from '../../core/result.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from './protocol.ts'

/** How a coordinator reaches its shards: worker threads in this process, or drivers over Redis. */
export interface ShardTransport {
  readonly kind: 'worker' | 'driver'
  readonly count: number
  /** Silence longer than this marks a shard lost (drivers: three heartbeats); Infinity for threads. */
  readonly lostAfterMs: number
  /** Time between every shard ready and the common start. */
  readonly startDelayMs: number
  /**
   * Hands each shard its spec and resolves with the shards' ids once all are ready (the load
   * module imported); rejects with a clear error when one fails or does not come.
   */
  open(specs: ShardSpec[], on: (m: ShardMessage) => void): Promise<string[]>
  send(shard: number | 'all', command: ShardCommand): void
  /** Messages the transport dropped as unsigned, forged, replayed or invalid (drivers), for the result. */
  dropped?(): DroppedMessages
  /** Always called, on every path: threads terminated, streams and claims removed. */
  close(): Promise<void>
}
