import os from 'node:os'
import { mergeRepetitions, RERUN } from '../baselines/repetitions.ts'
import type { LoadConfig, ResolvedLoadConfig } from '../config/schemas.ts'
import { durationScale, validateLoadConfig } from '../config/validate.ts'
import { PerfConfigError, PerfError, type ConfigProblem } from '../errors.ts'
import { initHistograms } from '../metrics/histogram.ts'
import type { RunResult } from '../metrics/result.ts'
import type { ThresholdDef } from '../thresholds/define.ts'
import { displayUnit, evaluateThreshold, formatValue } from '../thresholds/evaluate.ts'
import type { Workflow } from './context.ts'
import { executorFor } from './executors/index.ts'
import { buildResult } from './build-result.ts'
import { emitResult, progressListener } from './result-sink.ts'
import { reportProgress } from './progress.ts'
import { Runtime } from './runtime.ts'
import { isLoadModule, loadWorkflow, moduleRef, type LoadModule } from './load-module.ts'
import { runSharded } from './shards/coordinate.ts'
import { REBALANCEABLE, splitProblems } from './shards/split.ts'
import { ThreadTransport } from './workers/thread-transport.ts'
import { ResourceSampler } from '../monitor/sampler.ts'
import type { WatchedServer } from '../monitor/sample.ts'
import { expandPlan, FaultSchedule, validateSchedule, type FaultPlan } from '../faults/schedule.ts'
import { analyseFaults, markTimeline, type RecoveryBounds } from '../faults/recovery.ts'

export interface RunOptions {
  /** Stops the run early (state 'aborted'); in-flight iterations get gracefulStop to finish. */
  signal?: AbortSignal
  /** Label for reports. */
  name?: string
  /** Hand the result to the current Vitest test for the reporter (default true). */
  attach?: boolean
  /**
   * Run the load this many times (default 1) and merge the runs; each repetition's summary is
   * kept in `result.repetitions` so toMatchBaseline() can compare them statistically.
   */
  repeat?: number
  /**
   * Resource sampling once a second (CPU, memory, heap, event loop, handles), on by default;
   * `false` turns it off, `{ servers }` also watches database servers (the run fixture passes its
   * database fixtures). `preciseHeap: true` runs a full GC before every sample, so toHaveNoLeak()
   * fits the live heap itself, with an interval, even in short runs (each GC pauses the load for
   * a few ms: for leak tests, not for latency measurements).
   */
  monitor?: false | { servers?: WatchedServer[]; preciseHeap?: boolean }
  /**
   * Faults on the run's clock: `[{ at: '10s', duration: '5s', fault }]`, or random injection
   * `[{ failureRate: 0.05, fault, slot: '1s' }]`.
   */
  faults?: FaultPlan[]
  /** Bounds for "recovered" after a fault (default: error rate +1 pp, p95 × 1.5). */
  recovery?: RecoveryBounds
}

// Seconds roll over on their own during stalls, so the timeline shows them.
const TICK_MS = 100

/**
 * Validates `config`, runs `workflow` under it and returns what was measured. Throws only for
 * bad configuration (before anything starts); failures inside the workflow are counted.
 */
export async function runLoad(config: LoadConfig, workflow: Workflow | LoadModule, options: RunOptions = {}): Promise<RunResult> {
  const { config: resolved, thresholds } = validateLoadConfig(config)
  const repeat = options.repeat ?? 1
  const problems: ConfigProblem[] = []
  const sharded = (resolved.workers ?? 1) > 1 || resolved.distributed !== undefined
  if (typeof workflow !== 'function' && !isLoadModule(workflow)) {
    problems.push({ path: 'workflow', message: `must be a function (ctx) => { … } or a load module { module: new URL('./load.ts', import.meta.url) }, got ${typeof workflow}` })
  }
  if (sharded) problems.push(...shardProblems(resolved, workflow))
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) problems.push({ path: 'options.repeat', message: `must be a whole number from 1 to 100, got ${JSON.stringify(options.repeat)}` })
  if (options.faults) problems.push(...validateSchedule(options.faults))
  if (problems.length > 0) throw new PerfConfigError(problems)
  await initHistograms()
  const once = await runner(resolved, thresholds, (config as { thresholds?: unknown }).thresholds, workflow, options)
  const runs: RunResult[] = []
  // The first run always happens: with an aborted signal it stops at once and says so.
  for (let i = 0; i < repeat && (i === 0 || !options.signal?.aborted); i++) {
    const run = await once()
    runs.push(run)
    if (run.abort?.reason === 'shard-lost') break
  }
  const result = mergeRepetitions(runs)
  // Not serialised (a symbol key): lets toMatchBaseline() measure more repetitions when inconclusive.
  Object.defineProperty(result, RERUN, {
    enumerable: false,
    value: async (n: number) => {
      const more: RunResult[] = []
      for (let i = 0; i < n && !options.signal?.aborted; i++) more.push(await once())
      return more
    },
  })
  if (options.attach !== false) emitResult(result)
  // The partial result is kept (reporter, results.json) before the run fails.
  if (result.abort?.reason === 'shard-lost') {
    throw new PerfError('PERF_SHARD_LOST', `The run "${result.name ?? resolved.executor}" stopped: ${result.abort.detail}. The other shards were stopped; their measurements are in the result. Set distributed.onDriverLost: 'rebalance' to go on without it.`)
  }
  return result
}

/** Problems only a run split over workers or drivers has. */
function shardProblems(resolved: ResolvedLoadConfig, workflow: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const d = resolved.distributed
  const where = d ? 'drivers' : 'workers'
  if (!isLoadModule(workflow)) {
    problems.push({ path: 'workflow', message: `${where} run in other ${d ? 'processes' : 'threads'} and cannot take a function; pass a load module: run(config, { module: new URL('./load.ts', import.meta.url), data }) whose default export is (data) => async (ctx) => { … } (docs/distributed.md)` })
  }
  if (d && resolved.workers !== undefined && resolved.workers > 1) problems.push({ path: 'workers', message: 'cannot be combined with distributed; start more drivers instead' })
  problems.push(...splitProblems(resolved, d ? d.drivers : (resolved.workers ?? 1), where))
  if (d?.onDriverLost === 'rebalance' && !REBALANCEABLE.has(resolved.executor)) {
    problems.push({ path: 'distributed.onDriverLost', message: `'rebalance' works with ${[...REBALANCEABLE].join(', ')}, not ${resolved.executor}; use 'fail'` })
  }
  return problems
}

/** One run of the validated load: here, over worker threads or over drivers. */
async function runner(resolved: ResolvedLoadConfig, thresholds: ThresholdDef[], thresholdsInput: unknown, workflow: Workflow | LoadModule, options: RunOptions): Promise<() => Promise<RunResult>> {
  if (!isLoadModule(workflow)) return () => runOnce(resolved, thresholds, options, localBody(resolved), workflow)
  const ref = moduleRef(workflow)
  const d = resolved.distributed
  if (d !== undefined) {
    const { RedisTransport } = await import('../distributed/redis-transport.ts')
    const { serveApi } = await import('../distributed/api.ts')
    return async () => {
      const api = d.api ? await serveApi(d.api) : undefined
      try {
        return await runSharded(resolved, thresholds, thresholdsInput, ref, new RedisTransport(d), { ...options, onLost: d.onDriverLost, onState: api?.track })
      } finally {
        await api?.release()
      }
    }
  }
  if ((resolved.workers ?? 1) > 1) return () => runSharded(resolved, thresholds, thresholdsInput, ref, new ThreadTransport(resolved.workers ?? 1), options)
  const local = await loadWorkflow(ref)
  return () => runOnce(resolved, thresholds, options, localBody(resolved), local)
}

/** How a run's load is produced: by an executor in this thread, or by shards it coordinates. */
export interface RunBody {
  /** Resolves when the load is over; must honour rt.endAt and rt.stopping. */
  run(rt: Runtime): Promise<void>
  /** Closes the recorder: the executor's last partial second, or the shards' merged totals. */
  finish(rt: Runtime, end: number): void
  /** Extra time past plannedMs + gracefulStop before giving up (shards report late). */
  slackMs: number
  /** The recorder closes its own seconds (false when shards feed it). */
  ticks: boolean
  /** Added to the result (shards). */
  decorate?(result: RunResult): void
}

export interface ResolvedRunOptions extends Omit<RunOptions, 'repeat'> {
  /** Called once the runtime exists, before the load starts (shards attach their listeners). */
  onRuntime?: (rt: Runtime) => void
}

/** One run of an already validated config in this thread: what each shard runs. */
export function runResolved(resolved: ResolvedLoadConfig, thresholds: ThresholdDef[], workflow: Workflow, options: ResolvedRunOptions): Promise<RunResult> {
  return runOnce(resolved, thresholds, options, localBody(resolved), workflow)
}

function localBody(resolved: ResolvedLoadConfig): RunBody {
  const executor = executorFor(resolved)
  return {
    run: (rt) => executor.run(rt, resolved),
    finish(rt, end) {
      if (rt.inflight > 0 || rt.queued() > 0) {
        rt.recorder.interrupted = rt.inflight
        for (let i = rt.queued(); i > 0; i--) rt.recorder.recordDropped(end)
        rt.hardStop()
      }
      rt.recorder.finish(end)
    },
    slackMs: 0,
    ticks: true,
  }
}

const NO_WORKFLOW: Workflow = () => undefined

export async function runOnce(resolved: ResolvedLoadConfig, thresholds: ThresholdDef[], options: ResolvedRunOptions, body: RunBody, workflow: Workflow = NO_WORKFLOW): Promise<RunResult> {
  const executor = executorFor(resolved)
  const startedAt = new Date()
  const rt = new Runtime(resolved, thresholds, workflow)
  const plannedMs = executor.plannedMs(resolved)
  rt.endAt = rt.t0 + plannedMs
  watchThresholds(rt, thresholds)
  options.onRuntime?.(rt)

  const onAbort = () => rt.stop('signal', String(options.signal?.reason ?? 'aborted'))
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const sampler = options.monitor === false ? undefined : new ResourceSampler(rt.t0, options.monitor?.servers, options.monitor?.preciseHeap)
  const progress = progressListener()
  if (progress) reportProgress(rt, progress, resolved, plannedMs, options.name ?? resolved.name ?? 'run', sampler)
  await sampler?.start()
  const schedule = options.faults?.length ? new FaultSchedule(rt.t0, expandPlan(options.faults, plannedMs, durationScale())) : undefined
  const ticker = body.ticks ? setInterval(() => rt.recorder.rollover(performance.now()), TICK_MS) : undefined
  let hardTimer: NodeJS.Timeout | undefined
  try {
    const deadline = new Promise<void>((resolve) => {
      hardTimer = setTimeout(resolve, plannedMs + resolved.gracefulStop + body.slackMs)
      rt.onStop(() => {
        clearTimeout(hardTimer)
        hardTimer = setTimeout(resolve, resolved.gracefulStop + body.slackMs)
      })
    })
    await Promise.race([body.run(rt), deadline])
  } finally {
    clearInterval(ticker)
    clearTimeout(hardTimer)
    // Faults never outlive their run, whatever happened in it.
    await schedule?.finish()
    options.signal?.removeEventListener('abort', onAbort)
  }
  const end = performance.now()
  // The run is over: closing the last partial second must not abort it after the fact.
  rt.recorder.onSecond = undefined
  rt.recorder.onWindowFail = undefined
  body.finish(rt, end)
  const resources = (await sampler?.stop()) ?? []
  try {
    const result = buildResult(rt, thresholds, { name: options.name ?? resolved.name, startedAt, end, environment: environment(), resources })
    if (schedule) {
      markTimeline(result.timeline, schedule.windows)
      result.faults = analyseFaults(result.timeline, schedule.windows, options.recovery)
    }
    body.decorate?.(result)
    return result
  } finally {
    rt.recorder.destroy()
  }
}

/** abortOnFail thresholds are checked every second once their delayAbortEval has passed. */
function watchThresholds(rt: Runtime, thresholds: ThresholdDef[]): void {
  const watched = thresholds.filter((d) => d.abortOnFail && d.parsed.windowMs === undefined)
  if (watched.length > 0) {
    rt.recorder.onSecond = (second) => {
      for (const def of watched) {
        if (second * 1000 < def.delayAbortEvalMs) continue
        const snapshot = rt.recorder.snapshot(def.metric)
        const outcome = evaluateThreshold(def, snapshot)
        // No samples yet (slow first iterations) is not a breach worth aborting for.
        if (!outcome.ok && outcome.actual !== null) {
          const actual = formatValue(outcome.actual, displayUnit(snapshot?.type, def.parsed))
          return rt.stop('threshold', `${def.metric}: ${def.parsed.source} failed at ${second}s, actual ${actual}`)
        }
      }
    }
  }
  rt.recorder.onWindowFail = (tracker) => {
    const elapsed = performance.now() - rt.t0
    if (tracker.def.abortOnFail && elapsed >= tracker.def.delayAbortEvalMs) {
      rt.stop('threshold', `${tracker.def.metric}: ${tracker.def.parsed.source} failed in a window ending at ${Math.round(elapsed / 1000)}s`)
    }
  }
}

function environment(): RunResult['environment'] {
  return { node: process.version, platform: process.platform, arch: process.arch, cpus: os.availableParallelism(), histograms: 'wasm' }
}
