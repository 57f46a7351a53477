import type { ResolvedLoadConfig } from '../../core/load-config.ts'
import { constantArrivalRate } from './constant-arrival-rate.ts'
import { constantVus } from './constant-vus.ts'
import type { Executor } from './executor.ts'
import { fixedInterval } from './fixed-interval.ts'
import { perVuIterations } from './per-vu-iterations.ts'
import { rampingArrivalRate } from './ramping-arrival-rate.ts'
import { rampingVus } from './ramping-vus.ts'
import { sharedIterations } from './shared-iterations.ts'

const executors = {
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
  'fixed-interval': fixedInterval,
}

export function executorFor<C extends ResolvedLoadConfig>(config: C): Executor<C> {
  return executors[config.executor] as unknown as Executor<C>
}
