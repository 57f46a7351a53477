import type { Redis } from 'ioredis'
import type { DistributedConfig } from '../core/load-config.ts'
import { PerfError } from '../core/errors.ts'
import { sleep } from '../core/clock.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from '../engine/shards/protocol.ts'
import type { ShardTransport } from '../engine/shards/transport.ts'
import type { DroppedMessages } from '../core/result.ts'
import { EventGate } from './event-gate.ts'
import { redact } from '../core/redact.ts'
import { connect, fields, keys, readStream, STREAM_MAXLEN } from './keys.ts'
import { portableModulePath } from './module-path.ts'
import type { LoadModuleRef } from '../engine/load-module.ts'
import { loadKey, noDrops, requireKey, Signer, Verifier } from './signing.ts'

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
  private readonly root: string
  private key: Buffer | undefined
  private gate: EventGate | undefined
  private control: Signer | undefined
  private readonly refused = new Set<string>()
  private readonly registrations = noDrops()

  /** `root`: the project root, against which the load module's path is sent (drivers resolve it under theirs). */
  constructor(config: DistributedConfig, options: { root: string }) {
    this.config = config
    this.root = options.root
    this.count = config.drivers
    this.lostAfterMs = 3 * config.heartbeat
    this.startDelayMs = Math.max(500, config.heartbeat)
    this.k = keys(config.prefix)
  }

  async open(specs: ShardSpec[], on: (m: ShardMessage) => void): Promise<string[]> {
    this.key = loadKey(this.config.keyFile)
    requireKey(this.key, this.config.redis, 'the coordinator', (line) => console.warn(line))
    // Checked before anything is sent: a module outside the project fails the run here.
    const portable = (ref: LoadModuleRef) => ({ path: portableModulePath(ref.href, this.root), export: ref.export, data: ref.data })
    const first = specs[0]
    const modules = first.module
      ? { module: portable(first.module) }
      : { modules: Object.fromEntries(Object.entries(first.modules).map(([name, ref]) => [name, portable(ref)])) }
    const redis = (this.redis = connect(this.config.redis))
    try {
      await redis.connect()
    } catch (cause) {
      throw new PerfError(
        'PERF_DRIVERS_UNAVAILABLE',
        `Cannot reach Redis at ${redact(this.config.redis)} (${(cause as Error).message}). Check distributed.redis; drivers and the coordinator must share it.`,
        { cause },
      )
    }
    this.reader = redis.duplicate()
    this.runId = specs[0].runId
    this.gate = new EventGate(this.key, this.runId, specs.length, (this.lostAfterMs + 5000) / 1000)
    this.control = new Signer(this.key, 'control', 'coordinator')
    const ids = await this.claimDrivers()
    const ready = new Map<number, string>()
    let failure: string | undefined
    this.reading = this.read((m) => {
      if (m.type === 'ready') ready.set(m.shard, m.id)
      else if (m.type === 'failed' && ready.size < specs.length) failure ??= `driver ${ids[m.shard]}: ${m.message}`
      on(m)
    })
    // One signer per run: its id is the sender, so a spec copied into an inbox again is a replay.
    const signer = new Signer(this.key, 'spec', this.runId)
    for (const [i, spec] of specs.entries()) {
      const sent = {
        ...spec,
        driver: ids[i],
        issuedAt: Date.now(),
        heartbeat: this.config.heartbeat,
        ...modules,
      }
      await redis.xadd(this.k.inbox(ids[i]), 'MAXLEN', '~', 100, '*', ...signer.sign(this.runId, sent))
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
    let seen: string[]
    for (;;) {
      // One round trip for every registered driver's liveness key, whatever their number.
      const registered = (await redis.hkeys(this.k.drivers)).sort()
      const states = registered.length ? await redis.mget(registered.map((id) => this.k.alive(id))) : []
      const entries = await redis.hgetall(this.k.drivers)
      const idle = registered.filter((id, i) => states[i] === 'idle' && this.signedUp(id, entries[id]))
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

  /** A driver is claimed only when its registration is signed with the key (a fake one gets no data). */
  private signedUp(id: string, entry: string | undefined): boolean {
    let f: Record<string, string> = {}
    try {
      f = JSON.parse(entry ?? '') as Record<string, string>
    } catch {
      // counted below as invalid
    }
    const verdict = new Verifier(this.key, 'register', id).check(f)
    if (verdict.ok && verdict.from === id) return true
    if (!this.refused.has(id)) {
      this.refused.add(id)
      this.registrations[verdict.ok ? 'invalid' : verdict.why]++
    }
    return false
  }

  dropped(): DroppedMessages {
    const events = this.gate?.dropped ?? noDrops()
    const r = this.registrations
    return {
      unsigned: events.unsigned + r.unsigned,
      badSignature: events.badSignature + r.badSignature,
      replayed: events.replayed + r.replayed,
      invalid: events.invalid + r.invalid,
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
        const m = this.gate?.accept(fields(list))
        if (m !== undefined) on(m)
      }
    }
  }

  send(shard: number | 'all', command: ShardCommand): void {
    if (command.type === 'start') this.gate?.started(command.at)
    if (this.control === undefined) return
    const entry = this.control.sign(this.runId, { to: shard, c: command })
    void this.redis?.xadd(this.k.control(this.runId), 'MAXLEN', '~', STREAM_MAXLEN, '*', ...entry).catch(() => {})
  }

  async close(): Promise<void> {
    this.closed = true
    const redis = this.redis
    if (redis === undefined) return
    try {
      if (this.runId) {
        // Drivers still running (the coordinator gave up on them) stop too.
        const stop = this.control?.sign(this.runId, { to: 'all', c: { type: 'stop', reason: 'the coordinator closed the run' } })
        if (stop) await redis.xadd(this.k.control(this.runId), '*', ...stop)
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
