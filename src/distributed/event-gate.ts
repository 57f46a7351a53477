import type { DroppedMessages } from '../core/result.ts'
import type { ShardMessage } from '../engine/shards/protocol.ts'
import { parseShardMessage } from './messages.ts'
import { Verifier } from './signing.ts'

/**
 * What the coordinator lets through from a run's events stream: signed by the shared key, not
 * replayed, of the protocol's shape and within bounds (shard in range, second not in the
 * future). Everything else is dropped and counted; nothing read from Redis can throw here.
 */
export class EventGate {
  private readonly verifier: Verifier
  private readonly shards: number
  private readonly slackS: number
  private startedAt: number | undefined

  constructor(key: Buffer | undefined, runId: string, shards: number, slackS: number) {
    this.verifier = new Verifier(key, 'event', runId)
    this.shards = shards
    this.slackS = slackS
  }

  /** The common start (epoch ms): seconds are bounded by the time since. */
  started(at: number): void {
    this.startedAt = at
  }

  accept(fields: Record<string, string | undefined>, now = Date.now()): ShardMessage | undefined {
    const verdict = this.verifier.check(fields)
    if (!verdict.ok) return undefined
    const elapsedS = this.startedAt === undefined ? 0 : Math.max(0, (now - this.startedAt) / 1000)
    const m = parseShardMessage(verdict.body, verdict.from, { shards: this.shards, elapsedS, slackS: this.slackS })
    if (m === undefined) this.verifier.invalid()
    return m
  }

  get dropped(): DroppedMessages {
    return { ...this.verifier.dropped }
  }
}
