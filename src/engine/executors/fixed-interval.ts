import type { FixedIntervalConfig } from '../../core/load-config.ts'
import { runClosedVus } from '../closed-model.ts'
import { ITERATION_CAP_MAX_MS, type Executor } from './executor.ts'

/** Each VU waits a fixed delay after every iteration (the "tsunami" load type). */
export const fixedInterval: Executor<FixedIntervalConfig> = {
  plannedMs: (c) => c.duration ?? ITERATION_CAP_MAX_MS,
  async run(rt, c) {
    const cap = c.iterations ?? Infinity
    await runClosedVus(rt, c.vus, { claim: () => rt.started < cap, pauseMs: c.interval })
  },
}
