import { durationScale } from '../config/validate.ts'
import type { RunExtension } from '../engine/extension.ts'
import { analyseFaults, markTimeline, type RecoveryBounds } from './recovery.ts'
import { expandPlan, FaultSchedule, type FaultPlan } from './schedule.ts'

/**
 * Faults on the run's clock as a run extension: started at their times, always stopped when the
 * load ends, and their windows, impact and recovery times put into `result.faults`.
 */
export function injectFaults(plan: FaultPlan[], recovery?: RecoveryBounds): RunExtension {
  let schedule: FaultSchedule | undefined
  return {
    start(run) {
      schedule = new FaultSchedule(run.t0, expandPlan(plan, run.plannedMs, durationScale()), run.clock)
    },
    async finish() {
      await schedule?.finish()
    },
    decorate(result) {
      if (!schedule) return
      markTimeline(result.timeline, schedule.windows)
      result.faults = analyseFaults(result.timeline, schedule.windows, recovery)
    },
  }
}
