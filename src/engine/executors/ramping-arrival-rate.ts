import type { RampingArrivalRateConfig } from '../../core/load-config.ts'
import { ArrivalSchedule } from '../arrival-schedule.ts'
import { runOpenModel } from '../open-model.ts'
import { stagesMs } from '../vu-stages.ts'
import type { Executor } from './executor.ts'

/** The arrival rate moves linearly through the stages, from `startRate`. */
export const rampingArrivalRate: Executor<RampingArrivalRateConfig> = {
  plannedMs: (c) => stagesMs(c.stages),
  run: (rt, c) => runOpenModel(rt, new ArrivalSchedule(c.startRate, c.stages, c.timeUnit, c.phase), c),
}
