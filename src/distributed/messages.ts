import { z } from 'zod'
import type { ShardCommand, ShardMessage } from '../engine/shards/protocol.ts'

// Everything read from Redis is untrusted until it passed these schemas: whoever can write to the
// streams can write anything, so every size is bounded and every number finite.

const count = z.number().int().min(0).max(1e12)
const shard = z.number().int().min(0).max(255)
const text = (max: number) => z.string().max(max)
const HISTOGRAM_MAX = 1024 * 1024
const tags = z.record(text(200), text(1000)).refine((t) => Object.keys(t).length <= 32, 'too many tags')
const summary = z.record(text(16), z.number().finite())

const metric = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trend'), name: text(200), tags, summary, histogram: text(HISTOGRAM_MAX) }),
  z.object({ type: z.literal('counter'), name: text(200), tags, count: z.number().finite().min(0), rate: z.number().finite() }),
  z
    .object({ type: z.literal('rate'), name: text(200), tags, trues: count, total: count, rate: z.number().finite() })
    // A rate cannot have more trues than samples (a forged one would make `rate>0.99` pass).
    .refine((r) => r.trues <= r.total, 'trues above total'),
  z.object({
    type: z.literal('gauge'),
    name: text(200),
    tags,
    value: z.number().finite(),
    min: z.number().finite(),
    max: z.number().finite(),
  }),
])

const bounded = <T extends z.ZodType>(value: T, max: number) =>
  z.record(text(300), value).refine((r) => Object.keys(r).length <= max, `more than ${max} entries`)

// What a shard measured in one second, of all its load or of one scenario.
const part = {
  ms: z.number().finite().min(0).max(1000),
  iterations: count,
  errors: count,
  dropped: count,
  vus: count,
  vusAllocated: count,
  latency: text(HISTOGRAM_MAX),
  serviceTime: text(HISTOGRAM_MAX),
  errorsByKind: bounded(z.object({ count, message: text(2000) }), 64),
  metrics: bounded(metric, 256),
}
const MAX_SCENARIOS = 64

export const shardMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), shard, id: text(256) }),
  z.strictObject({
    type: z.literal('second'),
    shard,
    t: z.number().int().min(0),
    ...part,
    scenarios: bounded(z.strictObject(part), MAX_SCENARIOS).optional(),
  }),
  z.strictObject({
    type: z.literal('done'),
    shard,
    interrupted: count,
    vusAllocated: count,
    state: z.enum(['completed', 'aborted']),
    abort: z.object({ reason: z.enum(['threshold', 'signal', 'shard-lost']), detail: text(2000) }).optional(),
    droppedMessages: count.optional(),
    scenarios: bounded(
      z.strictObject({ interrupted: count, vusAllocated: count, durationMs: z.number().finite().min(0) }),
      MAX_SCENARIOS,
    ).optional(),
  }),
  z.strictObject({ type: z.literal('failed'), shard, message: text(4000) }),
  z.strictObject({ type: z.literal('heartbeat'), shard }),
])

export const shardCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), at: z.number().finite().min(0) }),
  z.strictObject({ type: z.literal('stop'), reason: text(2000) }),
  z.strictObject({ type: z.literal('rebalance'), factor: z.number().finite().min(0).max(256), vus: count.max(1e6) }),
])

const moduleSpec = z.strictObject({ path: text(1024), export: text(200), data: z.unknown() })

/** A spec as it travels to a driver: the module (one per scenario) by its path relative to the project root. */
export const driverSpecSchema = z
  .strictObject({
    runId: z.string().regex(/^[0-9a-f]{4,32}$/),
    driver: text(256),
    issuedAt: z.number().finite(),
    heartbeat: z.number().int().min(10).max(600_000),
    shard,
    shards: z.number().int().min(1).max(256),
    name: text(1000),
    config: z.unknown(),
    subMetrics: z.array(z.object({ metric: text(1000), name: text(200), tags })).max(256),
    module: moduleSpec.optional(),
    modules: bounded(moduleSpec, MAX_SCENARIOS).optional(),
  })
  .refine((spec) => (spec.module === undefined) !== (spec.modules === undefined), 'a spec has either one module or one per scenario')
export type DriverSpec = z.output<typeof driverSpecSchema>

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** What the coordinator knows to bound a shard's message: how many shards, how long the run has lasted. */
export interface EventBounds {
  shards: number
  /** Seconds since the common start (0 before it). */
  elapsedS: number
  /** Slack on `t` beyond the elapsed time (clock skew, buffering). */
  slackS: number
}

/** A shard's message if it has the protocol's shape and is within bounds; undefined otherwise. */
export function parseShardMessage(body: string, from: string, bounds: EventBounds): ShardMessage | undefined {
  const parsed = shardMessageSchema.safeParse(parseJson(body))
  if (!parsed.success) return undefined
  const m = parsed.data
  // The envelope's sender is the shard the message speaks for: one shard cannot pose as another.
  if (m.shard >= bounds.shards || String(m.shard) !== from) return undefined
  if (m.type === 'second' && m.t > bounds.elapsedS + bounds.slackS) return undefined
  return m as ShardMessage
}

const controlSchema = z.strictObject({ to: z.union([z.literal('all'), shard]), c: shardCommandSchema })

/** A control-stream body `{ to, c }`: the command and the shard it is for ('all' or one). */
export function parseControl(body: string): { to: number | 'all'; c: ShardCommand } | undefined {
  const parsed = controlSchema.safeParse(parseJson(body))
  return parsed.success ? parsed.data : undefined
}
