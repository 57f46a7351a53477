import type { LoadConfig, ScenariosInput } from '../core/load-config.ts'
import { PerfError } from '../core/errors.ts'
import { initHistograms } from '../metrics/histogram.ts'
import type { RunResult } from '../core/result.ts'
import type { Workflow } from '../engine/context.ts'
import type { LoadModule, ScenarioWorkflows } from '../engine/load-module.ts'
import { machineProbe } from '../monitor/probe.ts'
import { planRun } from './plan.ts'
import { mergeRepetitions, registerRerun, summarizeRepetition } from './repetitions.ts'
import { emitResult } from './sinks.ts'
import { validateRun } from './validate-run.ts'
import { warn } from './warn.ts'
import { turnsForRun, type RunTurns } from './turns.ts'
import type { RunOptions } from './options.ts'

/**
 * Runs every scenario of `config` at once, each with its own executor and VUs from its
 * `startTime`, and its workflow from `workflows` (by scenario name). The result holds the totals
 * and, in `result.scenarios`, each scenario's own (docs/scenarios.md).
 */
export function runLoad<S extends string>(
  config: ScenariosInput<S>,
  workflows: ScenarioWorkflows<NoInfer<S>>,
  options?: RunOptions,
): Promise<RunResult>
// Last, so that Parameters<typeof runLoad> stays the single executor's signature.
/**
 * Validates `config`, runs `workflow` under it and returns what was measured. Throws only for
 * bad configuration (before anything starts); failures inside the workflow are counted.
 */
export function runLoad(config: LoadConfig, workflow: Workflow | LoadModule, options?: RunOptions): Promise<RunResult>
export async function runLoad(
  config: LoadConfig | ScenariosInput,
  workflow: Workflow | LoadModule | ScenarioWorkflows,
  options: RunOptions = {},
): Promise<RunResult> {
  // Taken before validation, so a run that fails early still counts in the paired order (vitest-perf ab).
  const turns = turnsForRun()
  try {
    return await measure(config, workflow, options, turns)
  } finally {
    // Only tells the other side not to wait: never hides the run's own result or error.
    await turns?.end().catch(() => {})
  }
}

async function measure(
  config: LoadConfig | ScenariosInput,
  workflow: Workflow | LoadModule | ScenarioWorkflows,
  options: RunOptions,
  turns: RunTurns | undefined,
): Promise<RunResult> {
  const validated = validateRun(config, workflow, options)
  warn(validated.warnings)
  await initHistograms()
  const plan = await planRun(validated, workflow, options)
  // The machine probe before and after every repetition, outside the run's clock: a baseline
  // comparison tells from them whether the machine itself got slower (docs/baselines.md).
  // A reading taken right after the previous repetition also serves as the next one's "before".
  let last: { ms: number; at: number } | undefined
  const once = async () => {
    if (options.probe === false) return plan()
    const before = last && performance.now() - last.at < 1000 ? last.ms : await machineProbe()
    const run = await plan()
    last = { ms: await machineProbe(), at: performance.now() }
    run.probe = { before, after: last.ms }
    return run
  }
  const runs: RunResult[] = []
  // The first run always happens: with an aborted signal it stops at once and says so.
  for (let i = 0; i < (options.repeat ?? 1) && (i === 0 || !options.signal?.aborted); i++) {
    await turns?.before(i)
    const run = await once()
    await turns?.after(i, { executor: validated.config.executor, name: run.name, summary: summarizeRepetition(run) })
    runs.push(run)
    if (run.abort?.reason === 'shard-lost') break
  }
  const result = mergeRepetitions(runs)
  // toMatchBaseline() measures more repetitions of this load when its verdict is inconclusive.
  registerRerun(result, async (n) => {
    const more: RunResult[] = []
    for (let i = 0; i < n && !options.signal?.aborted; i++) more.push(await once())
    return more
  })
  if (options.attach !== false) await emitResult(result)
  // The partial result is kept (reporter, results.json) before the run fails.
  if (result.abort?.reason === 'shard-lost') {
    throw new PerfError(
      'PERF_SHARD_LOST',
      `The run "${result.name ?? validated.config.executor}" stopped: ${result.abort.detail}. The other shards were stopped; their measurements are in the result. Set distributed.onDriverLost: 'rebalance' to go on without it.`,
    )
  }
  return result
}
