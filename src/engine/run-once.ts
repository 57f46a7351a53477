import { realClock, type Clock, type Timer } from '../core/clock.ts'
import type { ResolvedLoadConfig, ResolvedRunConfig, ScenariosConfig } from '../core/load-config.ts'
import type { RunResult } from '../core/result.ts'
import type { SubMetric } from '../metrics/registry.ts'
import { buildResult } from './build-result.ts'
import type { Workflow } from './context.ts'
import { executorFor } from './executors/index.ts'
import type { RunExtension } from './extension.ts'
import { Runtime } from './runtime.ts'
import { addScenarios, closeScenario, runScenarios, scenariosPlannedMs } from './scenarios.ts'

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

export interface RunOnceOptions {
  config: ResolvedRunConfig
  /** What produces the load (default: the config's executor, or its scenarios, in this thread). */
  body?: RunBody
  /** The iteration (none when shards run the load). */
  workflow?: Workflow
  /** A run with scenarios: each scenario's iteration, by name (none when shards run the load). */
  workflows?: Record<string, Workflow>
  /** Tagged sub-metrics declared by thresholds, so the registry fills them. */
  subMetrics?: SubMetric[]
  extensions?: RunExtension[]
  /** Stops the run early (state 'aborted'); in-flight iterations get gracefulStop to finish. */
  signal?: AbortSignal
  name?: string
  clock?: Clock
}

// Seconds roll over on their own during stalls, so the timeline shows them.
const TICK_MS = 100
const NO_WORKFLOW: Workflow = () => undefined

/** The executor of `config`, in this thread. */
export function localBody(config: ResolvedLoadConfig): RunBody {
  const executor = executorFor(config)
  return {
    run: (rt) => executor.run(rt, config),
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

/** Every scenario of `config` in this thread, each with its executor, VUs and startTime. */
export function scenariosBody(config: ScenariosConfig): RunBody {
  return {
    run: (rt) => runScenarios(rt, config),
    finish(rt, end) {
      let interrupted = 0
      for (const child of rt.scenarios.values()) {
        closeScenario(child, end)
        interrupted += child.recorder.interrupted
      }
      rt.recorder.interrupted = interrupted
      rt.recorder.finish(end)
    },
    slackMs: 0,
    ticks: true,
  }
}

/** The time after which no iteration starts, from the start of the run. */
function plannedMsOf(config: ResolvedRunConfig): number {
  return config.executor === 'scenarios' ? scenariosPlannedMs(config) : executorFor(config).plannedMs(config)
}

/**
 * One run of an already validated config: the engine's core. Starts the extensions, runs the
 * body until the planned end (or a stop, or the hard deadline), closes the recorder and builds
 * the plain result, which each extension decorates. Never throws for what the workflow does.
 */
export async function runOnce(options: RunOnceOptions): Promise<RunResult> {
  const { config, signal, extensions = [] } = options
  const clock = options.clock ?? realClock
  const body = options.body ?? (config.executor === 'scenarios' ? scenariosBody(config) : localBody(config))
  const startedAt = new Date()
  const rt = new Runtime({
    config,
    workflow: options.workflow ?? NO_WORKFLOW,
    name: options.name ?? config.name,
    clock,
    subMetrics: options.subMetrics,
    plannedMs: plannedMsOf(config),
  })
  if (config.executor === 'scenarios') addScenarios(rt, config, options.workflows ?? {}, options.subMetrics ?? [], NO_WORKFLOW)
  const seconds = extensions.filter((e) => e.second !== undefined)
  if (seconds.length > 0) rt.recorder.onSecond = (point, data) => seconds.forEach((e) => e.second!(point, data, rt))

  const onAbort = () => rt.stop('signal', String(signal?.reason ?? 'aborted'))
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  let ticker: Timer | undefined
  let hardTimer: Timer | undefined
  try {
    for (const e of extensions) await e.start?.(rt)
    if (body.ticks) ticker = clock.setInterval(() => rt.recorder.rollover(clock.now()), TICK_MS)
    const deadline = new Promise<void>((resolve) => {
      hardTimer = clock.setTimeout(resolve, rt.plannedMs + config.gracefulStop + body.slackMs)
      rt.onStop(() => {
        clock.clearTimeout(hardTimer)
        hardTimer = clock.setTimeout(resolve, config.gracefulStop + body.slackMs)
      })
    })
    await Promise.race([body.run(rt), deadline])
  } finally {
    clock.clearInterval(ticker)
    clock.clearTimeout(hardTimer)
    signal?.removeEventListener('abort', onAbort)
    rt.ended = true
    // The run ends now: what the extensions do to finish (stop faults and samplers) is not part of it.
    body.finish(rt, clock.now())
    // Faults never outlive their run, samplers stop: whatever happened in it.
    for (const e of extensions) await e.finish?.(rt)
  }
  try {
    const result = buildResult(rt, startedAt)
    body.decorate?.(result)
    for (const e of extensions) e.decorate?.(result, rt)
    return result
  } finally {
    rt.recorder.destroy()
  }
}
