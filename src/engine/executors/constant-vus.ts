import type { ConstantVusConfig } from '../../core/load-config.ts'
import { runClosedVus } from '../closed-model.ts'
import { ITERATION_CAP_MAX_MS, type Executor } from './executor.ts'

/** A fixed number of VUs looping for a duration and/or up to a total iteration cap. */
export const constantVus: Executor<ConstantVusConfig> = {
  plannedMs: (c) => c.duration ?? ITERATION_CAP_MAX_MS,
  async run(rt, c) {
    const cap = c.iterations
    await runClosedVus(rt, c.vus, cap === undefined ? {} : { claim: () => rt.started < cap })
  },
}
