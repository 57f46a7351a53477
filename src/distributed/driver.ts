import os from 'node:os'
import type { Redis } from 'ioredis'
import { sleep } from '../engine/clock.ts'
import { ShardRunner } from '../engine/shards/shard-run.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from '../engine/shards/protocol.ts'
import { connect, fields, IDLE_HEARTBEAT_MS, keys, readStream, redact, STREAM_MAXLEN } from './keys.ts'

export interface DriverOptions {
  redis: string
  /** Unique name (default: host-pid). */
  id?: string
  prefix?: string
  /** Exit after this many runs (default: serve until stopped). */
  runs?: number
  log?: (line: string) => void
  signal?: AbortSignal
}

/**
 * A driver process (`vitest-perf driver --redis <url>`): registers in Redis, waits for a
 * coordinator's spec, runs its part of the load with heartbeats and per-second metrics, and goes
 * back to waiting. Stops on the signal (SIGINT/SIGTERM in the CLI) and deregisters.
 */
export async function runDriver(options: DriverOptions): Promise<number> {
  const id = options.id ?? `${os.hostname()}-${process.pid}`
  const k = keys(options.prefix ?? 'vitest-perf')
  const log = options.log ?? ((line: string) => console.log(line))
  const redis = connect(options.redis)
  await redis.connect()
  const reader = redis.duplicate()
  let state = 'idle'
  const alive = () => void redis.set(k.alive(id), state, 'PX', IDLE_HEARTBEAT_MS * 5).catch(() => {})
  await redis.hset(k.drivers, id, JSON.stringify({ id, host: os.hostname(), pid: process.pid, since: new Date().toISOString() }))
  await redis.xadd(k.register, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'id', id, 'host', os.hostname(), 'pid', String(process.pid))
  alive()
  const idleTimer = setInterval(alive, IDLE_HEARTBEAT_MS)
  log(`vitest-perf driver ${id}: registered at ${redact(options.redis)}, waiting for runs`)
  let runs = 0
  let after = '$'
  try {
    while (!options.signal?.aborted && (options.runs === undefined || runs < options.runs)) {
      const entries = await readStream(reader, k.inbox(id), after, 500).catch(() => [])
      for (const [entryId, list] of entries) {
        after = entryId
        const f = fields(list)
        if (!f.spec) continue
        const spec = JSON.parse(f.spec) as ShardSpec
        state = `busy ${spec.runId}`
        alive()
        log(`vitest-perf driver ${id}: run ${spec.runId} shard ${spec.shard + 1}/${spec.shards} (${spec.config.executor})`)
        await serveRun(redis, reader, k, id, spec, Number(f.heartbeat) || 1000, options.signal)
        runs++
        state = 'idle'
        alive()
        log(`vitest-perf driver ${id}: run ${spec.runId} done`)
      }
    }
  } finally {
    clearInterval(idleTimer)
    await redis.hdel(k.drivers, id).catch(() => {})
    await redis.del(k.alive(id)).catch(() => {})
    reader.disconnect()
    redis.disconnect()
  }
  return 0
}

async function serveRun(redis: Redis, reader: Redis, k: ReturnType<typeof keys>, id: string, spec: ShardSpec, heartbeatMs: number, signal: AbortSignal | undefined): Promise<void> {
  const events = k.events(spec.runId)
  const send = (m: ShardMessage) => void redis.xadd(events, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'm', JSON.stringify(m)).catch(() => {})
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
      const entries = await readStream(reader, k.control(spec.runId), after, 250).catch(() => [])
      for (const [entryId, list] of entries) {
        after = entryId
        const f = fields(list)
        if (f.shard !== 'all' && Number(f.shard) !== spec.shard) continue
        const c = JSON.parse(f.c) as ShardCommand
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
