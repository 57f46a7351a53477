import type { PerVuIterationsConfig } from '../../core/load-config.ts'
import { runClosedVus } from '../closed-model.ts'
import type { Executor } from './executor.ts'

/** Each VU runs exactly `iterations` iterations (unless maxDuration ends the run). */
export const perVuIterations: Executor<PerVuIterationsConfig> = {
  plannedMs: (c) => c.maxDuration,
  async run(rt, c) {
    await runClosedVus(rt, c.vus, { claim: (vu) => vu.count < c.iterations })
  },
}
