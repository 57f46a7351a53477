import type { Redis } from 'ioredis'
import type { DistributedConfig } from '../config/schemas.ts'
import { PerfError } from '../errors.ts'
import { sleep } from '../engine/clock.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from '../engine/shards/protocol.ts'
import type { ShardTransport } from '../engine/shards/transport.ts'
import { connect, fields, keys, readStream, redact, STREAM_MAXLEN } from './keys.ts'

const POLL_MS = 200

/**
 * The coordinator's side of a distributed run: claims idle drivers registered in Redis, sends
 * each its spec, reads their events stream, and writes commands to the run's control stream.
 */
export class RedisTransport implements ShardTransport {
  readonly kind = 'driver' as const
  readonly count: number
  readonly lostAfterMs: number
  readonly startDelayMs: number
  private readonly config: DistributedConfig
  private readonly k: ReturnType<typeof keys>
  private redis: Redis | undefined
  private reader: Redis | undefined
  private runId = ''
  private claimed: string[] = []
  private reading: Promise<void> | undefined
  private closed = false

  constructor(config: DistributedConfig) {
    this.config = config
    this.count = config.drivers
    this.lostAfterMs = 3 * config.heartbeat
    this.startDelayMs = Math.max(500, config.heartbeat)
    this.k = keys(config.prefix)
  }

  async open(specs: ShardSpec[], on: (m: ShardMessage) => void): Promise<string[]> {
    const redis = (this.redis = connect(this.config.redis))
    try {
      await redis.connect()
    } catch (cause) {
      throw new PerfError('PERF_DRIVERS_UNAVAILABLE', `Cannot reach Redis at ${redact(this.config.redis)} (${(cause as Error).message}). Check distributed.redis; drivers and the coordinator must share it.`, { cause })
    }
    this.reader = redis.duplicate()
    this.runId = specs[0].runId
    const ids = await this.claimDrivers()
    const ready = new Map<number, string>()
    let failure: string | undefined
    this.reading = this.read((m) => {
      if (m.type === 'ready') ready.set(m.shard, m.id)
      else if (m.type === 'failed' && ready.size < specs.length) failure ??= `driver ${ids[m.shard]}: ${m.message}`
      on(m)
    })
    for (const [i, spec] of specs.entries()) {
      await redis.xadd(this.k.inbox(ids[i]), 'MAXLEN', '~', 100, '*', 'spec', JSON.stringify(spec), 'heartbeat', String(this.config.heartbeat), 'prefix', this.config.prefix)
    }
    const deadline = Date.now() + this.config.waitFor
    while (ready.size < specs.length && failure === undefined) {
      if (Date.now() > deadline) {
        const missing = ids.filter((_, i) => !ready.has(i))
        failure = `driver${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not load the module within ${this.config.waitFor / 1000}s`
      }
      await sleep(50)
    }
    if (failure !== undefined) throw new PerfError('PERF_DRIVERS_UNAVAILABLE', `A distributed run could not start: ${failure}.`)
    return specs.map((_, i) => ready.get(i) ?? ids[i])
  }

  /** Waits (up to waitFor) until enough idle drivers are registered and claims them. */
  private async claimDrivers(): Promise<string[]> {
    const redis = this.redis as Redis
    const deadline = Date.now() + this.config.waitFor
    let seen: string[] = []
    for (;;) {
      // One round trip for every registered driver's liveness key, whatever their number.
      const registered = (await redis.hkeys(this.k.drivers)).sort()
      const states = registered.length ? await redis.mget(registered.map((id) => this.k.alive(id))) : []
      const idle = registered.filter((_, i) => states[i] === 'idle')
      seen = idle
      for (const id of idle) {
        if (this.claimed.length >= this.count) break
        if (this.claimed.includes(id)) continue
        const ok = await redis.set(this.k.claim(id), this.runId, 'PX', this.config.waitFor + 60_000, 'NX')
        if (ok === 'OK') this.claimed.push(id)
      }
      if (this.claimed.length >= this.count) return this.claimed.slice(0, this.count)
      if (Date.now() > deadline) {
        throw new PerfError(
          'PERF_DRIVERS_UNAVAILABLE',
          `Waited ${this.config.waitFor / 1000}s for ${this.count} idle drivers at ${redact(this.config.redis)} (prefix "${this.config.prefix}"); found ${seen.length}${seen.length ? ` (${seen.join(', ')})` : ''}. ` +
            `Start drivers with \`npx vitest-perf driver --redis ${redact(this.config.redis)}\`, lower distributed.drivers, or raise distributed.waitFor.`,
        )
      }
      await sleep(POLL_MS)
    }
  }

  private async read(on: (m: ShardMessage) => void): Promise<void> {
    const reader = this.reader as Redis
    let after = '0'
    while (!this.closed) {
      let entries: Awaited<ReturnType<typeof readStream>>
      try {
        entries = await readStream(reader, this.k.events(this.runId), after, 250)
      } catch {
        if (this.closed) return
        await sleep(POLL_MS)
        continue
      }
      for (const [id, list] of entries) {
        after = id
        const f = fields(list)
        if (f.m) on(JSON.parse(f.m) as ShardMessage)
      }
    }
  }

  send(shard: number | 'all', command: ShardCommand): void {
    void this.redis?.xadd(this.k.control(this.runId), 'MAXLEN', '~', STREAM_MAXLEN, '*', 'shard', String(shard), 'c', JSON.stringify(command)).catch(() => {})
  }

  async close(): Promise<void> {
    this.closed = true
    const redis = this.redis
    if (redis === undefined) return
    try {
      if (this.runId) {
        // Drivers still running (the coordinator gave up on them) stop too.
        await redis.xadd(this.k.control(this.runId), '*', 'shard', 'all', 'c', JSON.stringify({ type: 'stop', reason: 'the coordinator closed the run' }))
        await redis.expire(this.k.control(this.runId), 60)
        await redis.expire(this.k.events(this.runId), 60)
      }
      for (const id of this.claimed) await redis.del(this.k.claim(id))
    } catch {
      // Redis gone: nothing left to clean here.
    }
    await this.reading?.catch(() => {})
    this.reader?.disconnect()
    redis.disconnect()
  }
}
