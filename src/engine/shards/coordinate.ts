import { randomBytes } from 'node:crypto'
import type { ResolvedLoadConfig } from '../../config/schemas.ts'
import type { CustomMetricResult, ErrorKind, ShardSummary } from '../../metrics/result.ts'
import type { ThresholdDef } from '../../thresholds/define.ts'
import { sleep } from '../clock.ts'
import type { LoadModuleRef } from '../load-module.ts'
import { runOnce, type ResolvedRunOptions, type RunBody } from '../run-load.ts'
import type { RunResult } from '../../metrics/result.ts'
import type { Runtime } from '../runtime.ts'
import { SecondMerger } from './merger.ts'
import type { ShardMessage, ShardSecond, ShardSpec } from './protocol.ts'
import { part, splitConfig } from './split.ts'
import type { ShardTransport } from './transport.ts'

export interface ShardedOptions extends ResolvedRunOptions {
  /** What a lost shard does to the run (workers: always 'fail'). */
  onLost?: 'fail' | 'rebalance'
  /** Live view for the coordinator's REST API. */
  onState?: (state: ShardedRunState) => void
}

/** What the coordinator knows of one shard while the run lasts. */
export interface ShardState {
  id: string
  iterations: number
  failed: number
  dropped: number
  vusAllocated: number
  /** This shard's current part of the load: rate weight (open models) or VUs (closed). */
  weight: number
  vus: number
  lastSeen: number
  lastSecond?: { t: number; throughput: number }
  errorsByKind: Record<string, ErrorKind>
  metrics: Record<string, CustomMetricResult>
  done: boolean
  lost?: string
  interrupted: number
}

export interface ShardedRunState {
  runId: string
  name: string
  kind: 'worker' | 'driver'
  startedAt: number
  shards: ShardState[]
  runtime?: Runtime
  finished: boolean
}

/**
 * Runs `resolved` split over the transport's shards: each runs its exact part of the load,
 * their seconds are merged into one recorder, thresholds (and abortOnFail) see the merged load,
 * and a shard that goes silent fails the run or has its share moved to the others.
 */
export async function runSharded(resolved: ResolvedLoadConfig, thresholds: ThresholdDef[], thresholdsInput: unknown, module: LoadModuleRef, transport: ShardTransport, options: ShardedOptions): Promise<RunResult> {
  const n = transport.count
  const name = options.name ?? resolved.name ?? 'run'
  const runId = randomBytes(6).toString('hex')
  const specs: ShardSpec[] = Array.from({ length: n }, (_, i) => ({ runId, shard: i, shards: n, name, config: splitConfig(resolved, n, i), thresholds: thresholdsInput, module }))
  const state: ShardedRunState = {
    runId,
    name,
    kind: transport.kind,
    startedAt: Date.now(),
    finished: false,
    shards: specs.map((s) => ({ id: String(s.shard), iterations: 0, failed: 0, dropped: 0, vusAllocated: 0, weight: 1 / n, vus: 'vus' in s.config ? s.config.vus : 0, lastSeen: Date.now(), errorsByKind: {}, metrics: {}, done: false, interrupted: 0 })),
  }
  options.onState?.(state)
  let merger: SecondMerger | undefined
  const early: ShardSecond[] = []
  let lost: (shard: number, why: string) => void = () => {}
  let settled: () => void = () => {}

  const on = (m: ShardMessage) => {
    const s = state.shards[m.shard]
    if (s === undefined || s.lost !== undefined || state.finished) return
    s.lastSeen = Date.now()
    if (m.type === 'second') {
      s.iterations += m.iterations
      s.failed += m.errors
      s.dropped += m.dropped
      s.vusAllocated = m.vusAllocated
      s.errorsByKind = m.errorsByKind
      s.metrics = m.metrics
      s.lastSecond = { t: m.t, throughput: Math.round((m.iterations * 1e6) / Math.max(m.ms, 1)) / 1000 }
      if (merger) merger.add(m)
      else early.push(m)
    } else if (m.type === 'done') {
      s.done = true
      s.interrupted = m.interrupted
      s.vusAllocated = m.vusAllocated
      merger?.end(m.shard)
      settled()
    } else if (m.type === 'failed') lost(m.shard, `failed: ${m.message}`)
  }

  try {
    const ids = await transport.open(specs, on)
    ids.forEach((id, i) => (state.shards[i].id = id))
    const at = Date.now() + transport.startDelayMs
    transport.send('all', { type: 'start', at })
    state.startedAt = at
    await sleep(at - Date.now())
    const body: RunBody = {
      ticks: false,
      slackMs: Number.isFinite(transport.lostAfterMs) ? transport.lostAfterMs + 1000 : 2000,
      run: (rt) =>
        new Promise<void>((resolve) => {
          state.runtime = rt
          merger = new SecondMerger(rt.recorder, n)
          for (const m of early.splice(0)) merger.add(m)
          for (const [i, s] of state.shards.entries()) if (s.done) merger.end(i)
          rt.onStop(() => transport.send('all', { type: 'stop', reason: rt.stopReason?.detail ?? 'stopped' }))
          const watchdog = setInterval(() => {
            const now = Date.now()
            for (const [i, s] of state.shards.entries()) {
              if (!s.done && s.lost === undefined && now - s.lastSeen > transport.lostAfterMs) {
                lost(i, `sent nothing for ${((now - s.lastSeen) / 1000).toFixed(1)}s (lost after ${transport.lostAfterMs / 1000}s: three heartbeats)`)
              }
            }
          }, 100)
          settled = () => {
            if (state.shards.every((s) => s.done || s.lost !== undefined)) {
              clearInterval(watchdog)
              resolve()
            }
          }
          lost = (shard, why) => {
            const s = state.shards[shard]
            const at = ((performance.now() - rt.t0) / 1000).toFixed(1)
            s.lost = `${transport.kind} ${s.id} ${why}, at ${at}s`
            merger?.end(shard)
            if (!rebalance(state, shard, options.onLost ?? 'fail', transport, resolved)) rt.stop('shard-lost', s.lost)
            settled()
          }
          settled()
        }),
      finish(rt, end) {
        merger?.flush()
        for (const s of state.shards) {
          rt.recorder.registry.absorb(s.metrics)
          rt.recorder.errors.absorb(s.errorsByKind)
          rt.recorder.interrupted += s.interrupted
          rt.vuCount += s.vusAllocated
        }
        rt.recorder.markEnded(end)
      },
      decorate(result) {
        result.shards = state.shards.map((s): ShardSummary => ({ kind: transport.kind, id: s.id, iterations: s.iterations, failed: s.failed, dropped: s.dropped, vusAllocated: s.vusAllocated, ...(s.lost ? { lost: s.lost } : {}) }))
      },
    }
    return await runOnce(resolved, thresholds, options, body)
  } finally {
    state.finished = true
    await transport.close()
  }
}

/** Moves a lost shard's part of the load to the shards left; false when the run must stop. */
function rebalance(state: ShardedRunState, shard: number, policy: 'fail' | 'rebalance', transport: ShardTransport, config: ResolvedLoadConfig): boolean {
  if (policy !== 'rebalance') return false
  const gone = state.shards[shard]
  const left = state.shards.map((s, i) => ({ s, i })).filter(({ s }) => !s.done && s.lost === undefined)
  if (left.length === 0) return false
  const open = config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate'
  left.forEach(({ s, i }, j) => {
    const factor = open ? (s.weight + gone.weight / left.length) / s.weight : 1
    const vus = open ? 0 : part(gone.vus, left.length, j)
    s.weight *= factor
    s.vus += vus
    transport.send(i, { type: 'rebalance', factor, vus })
  })
  gone.weight = 0
  gone.vus = 0
  return true
}
