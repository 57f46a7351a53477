import type { ConstantArrivalRateConfig } from '../../core/load-config.ts'
import { ArrivalSchedule } from '../arrival-schedule.ts'
import { runOpenModel } from '../open-model.ts'
import type { Executor } from './executor.ts'

/** `rate` iterations per `timeUnit`, started at planned times whatever the response times. */
export const constantArrivalRate: Executor<ConstantArrivalRateConfig> = {
  plannedMs: (c) => c.duration,
  run: (rt, c) => runOpenModel(rt, ArrivalSchedule.constant(c.rate, c.duration, c.timeUnit, c.phase), c),
}
