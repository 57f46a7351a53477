import { randomBytes } from 'node:crypto'
import type { ResolvedRunConfig } from '../../core/load-config.ts'
import type { CustomMetricResult, ErrorKind, ShardSummary } from '../../core/result.ts'
import type { SubMetric } from '../../metrics/registry.ts'
import { sleep } from '../../core/clock.ts'
import { runOnce, type RunBody } from '../run-once.ts'
import type { RunExtension } from '../extension.ts'
import type { RunResult } from '../../core/result.ts'
import type { Runtime } from '../runtime.ts'
import { SecondMerger } from './merger.ts'
import type { ShardMessage, ShardModules, ShardSecond, ShardSpec } from './protocol.ts'
import { part, splitConfig } from './split.ts'
import type { ShardTransport } from './transport.ts'

export type { ShardModules }

export type ShardedOptions = {
  config: ResolvedRunConfig
  subMetrics: SubMetric[]
  transport: ShardTransport
  extensions: RunExtension[]
  signal?: AbortSignal
  name?: string
  /** What a lost shard does to the run (workers: always 'fail'). */
  onLost?: 'fail' | 'rebalance'
  /** Live view for the coordinator's REST API. */
  onState?: (state: ShardedRunState) => void
} & ShardModules

/** What the coordinator keeps of one scenario of one shard (runs with scenarios). */
interface ShardScenarioState {
  errorsByKind: Record<string, ErrorKind>
  metrics: Record<string, CustomMetricResult>
  vusAllocated: number
  interrupted: number
  durationMs: number
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
  /** Drivers: control messages the driver dropped. */
  droppedMessages?: number
  /** Runs with scenarios: each scenario's part of this shard, by name. */
  scenarios: Record<string, ShardScenarioState>
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
export async function runSharded(options: ShardedOptions): Promise<RunResult> {
  const { config: resolved, transport, subMetrics } = options
  const modules: ShardModules = options.module ? { module: options.module } : { modules: options.modules! }
  const n = transport.count
  const name = options.name ?? resolved.name ?? 'run'
  const runId = randomBytes(6).toString('hex')
  const specs: ShardSpec[] = Array.from({ length: n }, (_, i) => ({
    runId,
    shard: i,
    shards: n,
    name,
    config: splitConfig(resolved, n, i),
    subMetrics,
    ...modules,
  }))
  const state: ShardedRunState = {
    runId,
    name,
    kind: transport.kind,
    startedAt: Date.now(),
    finished: false,
    shards: specs.map((s) => ({
      id: String(s.shard),
      iterations: 0,
      failed: 0,
      dropped: 0,
      vusAllocated: 0,
      weight: 1 / n,
      vus: 'vus' in s.config ? s.config.vus : 0,
      lastSeen: Date.now(),
      errorsByKind: {},
      metrics: {},
      done: false,
      interrupted: 0,
      scenarios: {},
    })),
  }
  options.onState?.(state)
  let merger: SecondMerger | undefined
  const early: ShardSecond[] = []
  let lost: (shard: number, why: string) => void = () => {}
  let settled: () => void = () => {}

  const on = (m: ShardMessage) => {
    // A shard number is an index, never a property name ("length") or a fraction.
    const s = Number.isInteger(m.shard) ? state.shards[m.shard] : undefined
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
      for (const [name, part] of Object.entries(m.scenarios ?? {})) {
        const own = scenarioOf(s, name)
        own.errorsByKind = part.errorsByKind
        own.metrics = part.metrics
        own.vusAllocated = part.vusAllocated
      }
      if (merger) merger.add(m)
      else early.push(m)
    } else if (m.type === 'done') {
      s.done = true
      s.interrupted = m.interrupted
      s.vusAllocated = m.vusAllocated
      if (m.droppedMessages !== undefined) s.droppedMessages = m.droppedMessages
      for (const [name, end] of Object.entries(m.scenarios ?? {})) Object.assign(scenarioOf(s, name), end)
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
                lost(
                  i,
                  `sent nothing for ${((now - s.lastSeen) / 1000).toFixed(1)}s (lost after ${transport.lostAfterMs / 1000}s: three heartbeats)`,
                )
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
            const at = ((rt.clock.now() - rt.t0) / 1000).toFixed(1)
            s.lost = `${transport.kind} ${s.id} ${why}, at ${at}s`
            merger?.end(shard)
            if (!rebalance(state, shard, options.onLost ?? 'fail', transport, resolved)) rt.stop('shard-lost', s.lost)
            settled()
          }
          settled()
        }),
      finish(rt, end) {
        merger?.flush()
        const durations = new Map<string, number>()
        for (const s of state.shards) {
          rt.recorder.registry.absorb(s.metrics)
          rt.recorder.errors.absorb(s.errorsByKind)
          rt.recorder.interrupted += s.interrupted
          rt.vuCount += s.vusAllocated
          for (const [name, part] of Object.entries(s.scenarios)) {
            const child = rt.scenarios.get(name)
            if (!child) continue
            child.recorder.registry.absorb(part.metrics)
            child.recorder.errors.absorb(part.errorsByKind)
            child.recorder.interrupted += part.interrupted
            child.vuCount += part.vusAllocated
            durations.set(name, Math.max(durations.get(name) ?? 0, part.durationMs))
          }
        }
        // A scenario ran from its start until its last shard was done with it.
        for (const [name, child] of rt.scenarios) if (durations.has(name)) child.recorder.stopScenario(child.t0 + durations.get(name)!)
        rt.recorder.markEnded(end)
      },
      decorate(result) {
        result.shards = state.shards.map((s): ShardSummary => ({
          kind: transport.kind,
          id: s.id,
          iterations: s.iterations,
          failed: s.failed,
          dropped: s.dropped,
          vusAllocated: s.vusAllocated,
          ...(s.lost ? { lost: s.lost } : {}),
          ...(s.droppedMessages !== undefined ? { droppedMessages: s.droppedMessages } : {}),
        }))
        const dropped = transport.dropped?.()
        if (dropped) result.droppedMessages = dropped
      },
    }
    return await runOnce({ config: resolved, body, subMetrics, extensions: options.extensions, signal: options.signal, name: options.name })
  } finally {
    state.finished = true
    await transport.close()
  }
}

/** A shard's state of one scenario, made on first use (its first second or its end). */
function scenarioOf(s: ShardState, name: string): ShardScenarioState {
  if (!Object.hasOwn(s.scenarios, name))
    s.scenarios[name] = { errorsByKind: {}, metrics: {}, vusAllocated: 0, interrupted: 0, durationMs: 0 }
  return s.scenarios[name]
}

/** Moves a lost shard's part of the load to the shards left; false when the run must stop. */
function rebalance(
  state: ShardedRunState,
  shard: number,
  policy: 'fail' | 'rebalance',
  transport: ShardTransport,
  config: ResolvedRunConfig,
): boolean {
  // Validation refuses 'rebalance' with scenarios: a lost shard's scenarios would each need their share.
  if (policy !== 'rebalance' || config.executor === 'scenarios') return false
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
