import { Redis } from 'ioredis'

/**
 * Where coordinators and drivers meet in Redis. Keys: `<p>:drivers` (hash of registered drivers),
 * `<p>:driver:<id>` (liveness: "idle" or "busy <run>", expires without heartbeats),
 * `<p>:claim:<id>` (a coordinator holds the driver). Streams: `<p>:register` (registrations),
 * `<p>:driver:<id>:inbox` (a run's configuration), `<p>:run:<run>:control` (start, stop,
 * rebalance) and `<p>:run:<run>:events` (ready, seconds, heartbeats, done).
 */
export function keys(prefix: string) {
  return {
    drivers: `${prefix}:drivers`,
    register: `${prefix}:register`,
    alive: (id: string) => `${prefix}:driver:${id}`,
    claim: (id: string) => `${prefix}:claim:${id}`,
    inbox: (id: string) => `${prefix}:driver:${id}:inbox`,
    control: (run: string) => `${prefix}:run:${run}:control`,
    events: (run: string) => `${prefix}:run:${run}:events`,
  }
}

/** A driver idle between runs refreshes its liveness key this often (runs use their own interval). */
export const IDLE_HEARTBEAT_MS = 1000
/** Streams keep about this many entries. */
export const STREAM_MAXLEN = 10_000

export function connect(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectionName: 'vitest-perf',
    // Reconnect forever, backing off to one attempt every 5 s; drivers decide when to give up.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  })
}

/** The fields of one stream entry as an object. */
export function fields(list: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]] = list[i + 1]
  return out
}

type Entries = [id: string, fields: string[]][]

/** XREAD BLOCK on one stream from `after`; resolves with its entries (none after `blockMs`). */
export async function readStream(redis: Redis, key: string, after: string, blockMs: number): Promise<Entries> {
  const reply = (await redis.xread('BLOCK', blockMs, 'STREAMS', key, after)) as [string, Entries][] | null
  return reply?.[0]?.[1] ?? []
}
