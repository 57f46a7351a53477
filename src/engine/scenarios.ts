import { sleep, type Timer } from '../core/clock.ts'
import type { ResolvedScenario, ScenariosConfig } from '../core/load-config.ts'
import { scenarioSubMetrics, type SubMetric } from '../metrics/registry.ts'
import type { Workflow } from './context.ts'
import { executorFor } from './executors/index.ts'
import type { Runtime } from './runtime.ts'

/** When the last scenario stops starting iterations, from the start of the run. */
export function scenariosPlannedMs(config: ScenariosConfig): number {
  return Math.max(0, ...Object.values(config.scenarios).map((s) => s.startTime + executorFor(s).plannedMs(s)))
}

/**
 * Gives the run one runtime per scenario. `workflows` may miss a scenario (shards run it, not
 * this thread): `fallback` stands in.
 */
export function addScenarios(
  rt: Runtime,
  config: ScenariosConfig,
  workflows: Record<string, Workflow>,
  subMetrics: SubMetric[],
  fallback: Workflow,
): void {
  for (const [name, scenario] of Object.entries(config.scenarios)) {
    rt.addScenario(name, {
      config: scenario,
      workflow: Object.hasOwn(workflows, name) ? workflows[name] : fallback,
      subMetrics: scenarioSubMetrics(subMetrics, name),
      plannedMs: executorFor(scenario).plannedMs(scenario),
    })
  }
}

/** Runs every scenario at once, each from its startTime until its own end and gracefulStop. */
export async function runScenarios(rt: Runtime, config: ScenariosConfig): Promise<void> {
  await Promise.all([...rt.scenarios].map(([name, child]) => runScenario(child, config.scenarios[name])))
}

async function runScenario(rt: Runtime, config: ResolvedScenario): Promise<void> {
  const clock = rt.clock
  await sleep(rt.t0 - clock.now(), rt.stopSignal, clock)
  if (rt.stopping) return closeScenario(rt, clock.now())
  let timer: Timer | undefined
  // The scenario's own hard stop, as runOnce() sets the run's: its end plus its gracefulStop.
  const deadline = new Promise<void>((resolve) => {
    timer = clock.setTimeout(resolve, rt.endAt + config.gracefulStop - clock.now())
    rt.onStop(() => {
      if (rt.ended) return
      clock.clearTimeout(timer)
      timer = clock.setTimeout(resolve, config.gracefulStop)
    })
  })
  try {
    await Promise.race([executorFor(config).run(rt, config), deadline])
  } finally {
    clock.clearTimeout(timer)
    closeScenario(rt, clock.now())
  }
}

/**
 * A scenario's load is over at `end`: what still runs is interrupted and what waits in its queue
 * is dropped, as at a run's hard stop. Once per scenario; the run closes any left at its own end.
 */
export function closeScenario(rt: Runtime, end: number): void {
  if (rt.ended) return
  rt.ended = true
  if (rt.inflight > 0 || rt.queued() > 0) {
    rt.recorder.interrupted = rt.inflight
    for (let i = rt.queued(); i > 0; i--) rt.recorder.recordDropped(end)
    rt.hardStop()
  }
  rt.recorder.stopScenario(end)
}
