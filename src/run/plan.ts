import { redactDeep } from '../core/redact.ts'
import type { ResolvedRunConfig } from '../core/load-config.ts'
import type { RunResult } from '../core/result.ts'
import type { ValidatedLoad } from '../config/validate.ts'
import type { Workflow } from '../engine/context.ts'
import type { RunExtension } from '../engine/extension.ts'
import { isLoadModule, loadWorkflow, moduleRef, type LoadModule, type ScenarioWorkflows } from '../engine/load-module.ts'
import { runOnce } from '../engine/run-once.ts'
import { runSharded, type ShardModules } from '../engine/shards/coordinate.ts'
import { ThreadTransport } from '../engine/workers/thread-transport.ts'
import { injectFaults } from '../faults/run-faults.ts'
import { measureCpu } from '../monitor/cpu-per-iteration.ts'
import { monitorRun } from '../monitor/run-monitor.ts'
import { watchThresholds } from '../thresholds/watch.ts'
import { reportProgress } from './progress.ts'
import type { RunOptions } from './options.ts'
import { currentProjectRoot, progressListener } from './sinks.ts'

/**
 * The extensions every run of runLoad() gets, new for each repetition: they hold its state. CPU
 * per iteration is read in this process, so not for drivers (their work runs elsewhere).
 */
function extensions(validated: ValidatedLoad<ResolvedRunConfig>, options: RunOptions, local = true): RunExtension[] {
  const list: RunExtension[] = [watchThresholds(validated.thresholds)]
  const watched = options.monitor === false ? undefined : options.monitor
  if (local) list.push(measureCpu({ servers: watched?.servers, instructions: watched?.instructions }))
  const monitor = options.monitor === false ? undefined : monitorRun(options.monitor)
  if (monitor) list.push(monitor)
  const progress = progressListener()
  if (progress) list.push(reportProgress(progress, monitor?.latest))
  if (options.faults?.length) list.push(injectFaults(options.faults, options.recovery))
  return list
}

/**
 * How each run of the validated load happens: in this thread, over worker threads, or over
 * drivers (with the coordinator's REST API while it lasts). Returns one run per call, its
 * secrets redacted: a result goes to results.json, reports and baselines.
 */
export async function planRun(
  validated: ValidatedLoad<ResolvedRunConfig>,
  workflow: Workflow | LoadModule | ScenarioWorkflows,
  options: RunOptions,
): Promise<() => Promise<RunResult>> {
  const run = await chooseRun(validated, workflow, options)
  return async () => redactResult(await run())
}

async function chooseRun(
  validated: ValidatedLoad<ResolvedRunConfig>,
  workflow: Workflow | LoadModule | ScenarioWorkflows,
  options: RunOptions,
): Promise<() => Promise<RunResult>> {
  const { config, thresholds } = validated
  const common = { config, subMetrics: thresholds, signal: options.signal, name: options.name }
  const sharded = (config.workers ?? 1) > 1 || config.distributed !== undefined
  if (config.executor === 'scenarios' && !sharded) {
    const workflows = await loadWorkflows(workflow as ScenarioWorkflows)
    return () => runOnce({ ...common, workflows, extensions: extensions(validated, options) })
  }
  if (config.executor !== 'scenarios' && !isLoadModule(workflow))
    return () => runOnce({ ...common, workflow: workflow as Workflow, extensions: extensions(validated, options) })
  const module: ShardModules =
    config.executor === 'scenarios'
      ? {
          modules: Object.fromEntries(Object.entries(workflow as ScenarioWorkflows).map(([name, w]) => [name, moduleRef(w as LoadModule)])),
        }
      : { module: moduleRef(workflow as LoadModule) }
  const d = config.distributed
  if (d !== undefined) {
    const { RedisTransport } = await import('../distributed/redis-transport.ts')
    const { serveApi } = await import('../distributed/api.ts')
    return async () => {
      const api = d.api ? await serveApi(d.api) : undefined
      try {
        return await runSharded({
          ...common,
          ...module,
          transport: new RedisTransport(d, { root: currentProjectRoot() }),
          extensions: extensions(validated, options, false),
          onLost: d.onDriverLost,
          onState: api?.track,
        })
      } finally {
        await api?.release()
      }
    }
  }
  const workers = config.workers ?? 1
  if (workers > 1)
    return () => runSharded({ ...common, ...module, transport: new ThreadTransport(workers), extensions: extensions(validated, options) })
  const local = await loadWorkflow(module.module!)
  return () => runOnce({ ...common, workflow: local, extensions: extensions(validated, options) })
}

/** The workflows of scenarios in this thread: load modules imported once, functions as they are. */
async function loadWorkflows(workflows: ScenarioWorkflows): Promise<Record<string, Workflow>> {
  const loaded: Record<string, Workflow> = {}
  for (const [name, w] of Object.entries(workflows)) loaded[name] = isLoadModule(w) ? await loadWorkflow(moduleRef(w)) : w
  return loaded
}

/**
 * The API token is a secret: results (results.json, reports) keep only that one was set. So are
 * passwords in URLs anywhere in the result (distributed.redis, error messages, names).
 */
function redactResult(result: RunResult): RunResult {
  const api = result.config.distributed?.api
  const tokenless =
    api?.token === undefined
      ? result
      : { ...result, config: { ...result.config, distributed: { ...result.config.distributed!, api: { ...api, token: '***' } } } }
  return redactDeep(tokenless)
}
