import os from 'node:os'
import type { Redis } from 'ioredis'
import { sleep } from '../core/clock.ts'
import { PerfError } from '../core/errors.ts'
import { validateShardRunConfig } from '../config/scenarios.ts'
import { ShardRunner } from '../engine/shards/shard-run.ts'
import type { ShardMessage, ShardModules, ShardSpec } from '../engine/shards/protocol.ts'
import { redact } from '../core/redact.ts'
import { connect, fields, IDLE_HEARTBEAT_MS, keys, readStream, STREAM_MAXLEN } from './keys.ts'
import { driverSpecSchema, parseControl, parseJson, type DriverSpec } from './messages.ts'
import { resolveModulePath } from './module-path.ts'
import { RedisHealth } from './redis-health.ts'
import { requireKey, Signer, totalDrops, Verifier } from './signing.ts'

export interface DriverOptions {
  redis: string
  /** Unique name (default: host-pid). */
  id?: string
  prefix?: string
  /** Exit after this many runs (default: serve until stopped). */
  runs?: number
  /** The shared key (VITEST_PERF_DRIVER_KEY or --key-file); without one, Redis must be on loopback. */
  key?: Buffer
  /** Load modules are resolved under this folder and nowhere else (default: the working directory). */
  root?: string
  /** Exit with an error when Redis stays unreachable this long between runs (default 5 minutes). */
  giveUpMs?: number
  log?: (line: string) => void
  signal?: AbortSignal
  /** Tests only: runs after registering, before the first read of the inbox. */
  beforeFirstRead?: () => Promise<void>
}

/** Specs older (or newer) than this are refused: a copy of an old one is a replay. */
const SPEC_MAX_AGE_MS = 5 * 60_000

/**
 * A driver process (`vitest-perf driver --redis <url>`): registers in Redis, waits for a
 * coordinator's signed spec, runs its part of the load with heartbeats and per-second metrics,
 * and goes back to waiting. Stops on the signal (SIGINT/SIGTERM in the CLI) and deregisters.
 */
export async function runDriver(options: DriverOptions): Promise<number> {
  const id = options.id ?? `${os.hostname()}-${process.pid}`
  const k = keys(options.prefix ?? 'vitest-perf')
  const log = options.log ?? ((line: string) => console.log(line))
  const root = options.root ?? process.cwd()
  const key = options.key
  requireKey(key, options.redis, `driver ${id}`, log)
  const redis = connect(options.redis)
  const health = new RedisHealth(redis, `vitest-perf driver ${id}`, redact(options.redis), log)
  try {
    await redis.connect()
  } catch (cause) {
    redis.disconnect()
    throw new PerfError(
      'PERF_DRIVER_REDIS_LOST',
      `driver ${id} cannot use Redis at ${redact(options.redis)}: ${health.lastError || (cause as Error).message}. Check the URL, the user and password (redis://user:password@host:port) and, for rediss://, that the server's certificate is trusted (NODE_EXTRA_CA_CERTS).`,
      { cause },
    )
  }
  const reader = redis.duplicate()
  reader.on('error', () => {})
  let state = 'idle'
  const alive = () => void redis.set(k.alive(id), state, 'PX', IDLE_HEARTBEAT_MS * 5).catch(() => {})
  const inbox = new Verifier(key, 'spec', undefined)
  let after = '0-0'

  // The inbox position is taken before the driver is visible: a spec sent right after
  // registering is then read however late the first read comes.
  const register = async () => {
    const last = (await redis.xrevrange(k.inbox(id), '+', '-', 'COUNT', 1)) as [string, string[]][]
    after = last[0]?.[0] ?? '0-0'
    const since = new Date().toISOString()
    const signed = new Signer(key, 'register', id).sign(id, { host: os.hostname(), pid: process.pid, since })
    await redis.hset(k.drivers, id, JSON.stringify(fields(signed)))
    await redis.xadd(k.register, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'id', id, 'host', os.hostname(), 'pid', String(process.pid))
    alive()
  }
  await register()
  health.onRestored = () => register().catch(() => {})
  const idleTimer = setInterval(alive, IDLE_HEARTBEAT_MS)
  log(`vitest-perf driver ${id}: registered at ${redact(options.redis)} (root ${root}), waiting for runs`)
  await options.beforeFirstRead?.()
  let runs = 0
  try {
    while (!options.signal?.aborted && (options.runs === undefined || runs < options.runs)) {
      health.giveUpIfLost(options.giveUpMs ?? 5 * 60_000)
      let entries: Awaited<ReturnType<typeof readStream>>
      try {
        entries = await readStream(reader, k.inbox(id), after, 500)
      } catch {
        await sleep(200, options.signal).catch(() => {})
        continue
      }
      for (const [entryId, list] of entries) {
        after = entryId
        const spec = acceptSpec(fields(list), inbox, id, log)
        if (spec === undefined) continue
        state = `busy ${spec.runId}`
        alive()
        await serveSpec(redis, reader, k, id, spec, root, key, log, options.signal)
        runs++
        state = 'idle'
        alive()
        log(`vitest-perf driver ${id}: run ${spec.runId} done`)
      }
    }
  } finally {
    clearInterval(idleTimer)
    // Deregister even when Redis is slow or gone: a bounded wait, then the connections close.
    await Promise.race([Promise.all([redis.hdel(k.drivers, id), redis.del(k.alive(id))]).catch(() => {}), sleep(1000)])
    health.close()
    reader.disconnect()
    redis.disconnect()
  }
  return 0
}

/** The inbox entry as a spec, or undefined (logged once per entry) when it must not run. */
function acceptSpec(f: Record<string, string>, inbox: Verifier, id: string, log: (line: string) => void): DriverSpec | undefined {
  const verdict = inbox.check(f)
  const drop = (why: string) => {
    log(`vitest-perf driver ${id}: dropped a spec (${why}); nothing was run`)
    return undefined
  }
  if (!verdict.ok) return drop(verdict.why === 'badSignature' ? 'bad signature' : verdict.why)
  const parsed = driverSpecSchema.safeParse(parseJson(verdict.body))
  if (!parsed.success || parsed.data.runId !== verdict.run || verdict.from !== verdict.run || parsed.data.driver !== id) {
    inbox.invalid()
    return drop('invalid')
  }
  if (Math.abs(Date.now() - parsed.data.issuedAt) > SPEC_MAX_AGE_MS) {
    inbox.dropped.replayed++
    return drop('replayed: issued more than 5 minutes ago')
  }
  return parsed.data
}

/** Checks the spec's config and module, then runs it; a refusal is sent back to the coordinator. */
async function serveSpec(
  redis: Redis,
  reader: Redis,
  k: ReturnType<typeof keys>,
  id: string,
  spec: DriverSpec,
  root: string,
  key: Buffer | undefined,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const events = new Signer(key, 'event', String(spec.shard))
  const send = (m: ShardMessage) =>
    void redis.xadd(k.events(spec.runId), 'MAXLEN', '~', STREAM_MAXLEN, '*', ...events.sign(spec.runId, m)).catch(() => {})
  const config = validateShardRunConfig(spec.config)
  let modules: ShardModules
  try {
    if (!config.ok) {
      const problems = config.problems.map((p) => `${p.path || 'config'}: ${p.message}`).join('; ')
      throw new PerfError('PERF_CONFIG_INVALID', `The spec's config is not valid: ${problems}`)
    }
    const local = (m: { path: string; export: string; data: unknown }) => ({
      href: resolveModulePath(m.path, root),
      export: m.export,
      data: m.data,
    })
    modules = spec.module
      ? { module: local(spec.module) }
      : { modules: Object.fromEntries(Object.entries(spec.modules ?? {}).map(([name, m]) => [name, local(m)])) }
  } catch (e) {
    const message = e instanceof PerfError ? `${e.code}: ${e.message}` : String(e)
    log(`vitest-perf driver ${id}: refused run ${spec.runId}: ${message}`)
    send({ type: 'failed', shard: spec.shard, message })
    return
  }
  log(`vitest-perf driver ${id}: run ${spec.runId} shard ${spec.shard + 1}/${spec.shards} (${config.config.executor})`)
  const shardSpec: ShardSpec = {
    runId: spec.runId,
    shard: spec.shard,
    shards: spec.shards,
    name: spec.name,
    config: config.config,
    subMetrics: spec.subMetrics,
    ...modules,
  }
  await serveRun(reader, k, id, shardSpec, spec.heartbeat, key, send, signal)
}

async function serveRun(
  reader: Redis,
  k: ReturnType<typeof keys>,
  id: string,
  spec: ShardSpec,
  heartbeatMs: number,
  key: Buffer | undefined,
  sendSigned: (m: ShardMessage) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const control = new Verifier(key, 'control', spec.runId)
  // 'done' carries how many of this run's commands were dropped, so the result shows them.
  const send = (m: ShardMessage) => sendSigned(m.type === 'done' ? { ...m, droppedMessages: totalDrops(control.dropped) } : m)
  const runner = new ShardRunner(spec, send)
  const beat = setInterval(() => send({ type: 'heartbeat', shard: spec.shard }), heartbeatMs)
  const onSignal = () => runner.command({ type: 'stop', reason: 'the driver was stopped' })
  signal?.addEventListener('abort', onSignal, { once: true })
  try {
    if (!(await runner.prepare(id))) return
    let running: Promise<void> | undefined
    let after = '0'
    // Commands until the run is over; a coordinator that never starts us is waited for a while only.
    const giveUp = Date.now() + 10 * 60_000
    let finished = false
    while (!finished) {
      // Redis lost mid-run: the run goes on (it is bounded), commands wait for the reconnect.
      const entries = await readStream(reader, k.control(spec.runId), after, 250).catch(() => sleep(200).then(() => []))
      for (const [entryId, list] of entries) {
        after = entryId
        const verdict = control.check(fields(list))
        if (!verdict.ok) continue
        const body = parseControl(verdict.body)
        if (body === undefined) {
          control.invalid()
          continue
        }
        if (body.to !== 'all' && body.to !== spec.shard) continue
        const c = body.c
        if (c.type === 'start' && running === undefined) running = runner.run(c.at).then(() => void (finished = true))
        else if (c.type === 'stop' && running === undefined) finished = true
        else runner.command(c)
      }
      if (running === undefined && Date.now() > giveUp) finished = true
    }
    await running
    // Let the last messages reach Redis before the next run or exit.
    await sleep(10)
  } finally {
    clearInterval(beat)
    signal?.removeEventListener('abort', onSignal)
  }
}
