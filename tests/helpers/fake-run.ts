import { validateScenariosConfig } from '../../src/config/scenarios.ts'
import { validateLoadConfig } from '../../src/config/validate.ts'
import type { LoadConfig, ScenariosInput } from '../../src/core/load-config.ts'
import type { RunResult } from '../../src/core/result.ts'
import type { Workflow } from '../../src/engine/context.ts'
import type { RunExtension } from '../../src/engine/extension.ts'
import { runOnce } from '../../src/engine/run-once.ts'
import { initHistograms } from '../../src/metrics/histogram.ts'
import { watchThresholds } from '../../src/thresholds/watch.ts'
import type { FakeClock, RunLimits } from './fake-clock.ts'

export interface FakeRunOptions {
  signal?: AbortSignal
  /** More extensions after the thresholds watch (faults, …). */
  extensions?: RunExtension[]
  name?: string
  limits?: RunLimits
}

/**
 * One run of `config` on `clock`, as runLoad() does it in this thread with its thresholds (no
 * monitor, progress or faults): the engine core, on virtual time. Workflows wait on `clock` too.
 */
export async function runOnFakeClock(
  clock: FakeClock,
  config: LoadConfig,
  workflow: Workflow,
  options: FakeRunOptions = {},
): Promise<RunResult> {
  await initHistograms()
  const { config: resolved, thresholds } = validateLoadConfig(config)
  const run = runOnce({
    config: resolved,
    workflow,
    clock,
    subMetrics: thresholds,
    extensions: [watchThresholds(thresholds), ...(options.extensions ?? [])],
    signal: options.signal,
    name: options.name,
  })
  return clock.run(run, options.limits)
}

/** As runOnFakeClock(), for a config with scenarios and its workflows by scenario name. */
export async function runScenariosOnFakeClock<S extends string>(
  clock: FakeClock,
  config: ScenariosInput<S>,
  workflows: Record<NoInfer<S>, Workflow>,
  options: FakeRunOptions = {},
): Promise<RunResult> {
  await initHistograms()
  const { config: resolved, thresholds } = validateScenariosConfig(config as unknown as Record<string, unknown>)
  const run = runOnce({
    config: resolved,
    workflows,
    clock,
    subMetrics: thresholds,
    extensions: [watchThresholds(thresholds), ...(options.extensions ?? [])],
    signal: options.signal,
    name: options.name,
  })
  return clock.run(run, options.limits)
}
