import type { SharedIterationsConfig } from '../../core/load-config.ts'
import { runClosedVus } from '../closed-model.ts'
import type { Executor } from './executor.ts'

/** A total number of iterations shared by the VUs: fast VUs do more of them. */
export const sharedIterations: Executor<SharedIterationsConfig> = {
  plannedMs: (c) => c.maxDuration,
  async run(rt, c) {
    await runClosedVus(rt, Math.min(c.vus, c.iterations), { claim: () => rt.started < c.iterations })
  },
}
