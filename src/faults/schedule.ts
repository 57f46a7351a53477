import type { FaultWindow } from '../core/result.ts'
import { realClock, type Clock, type Timer } from '../core/clock.ts'
import { parseDuration } from '../core/duration.ts'
import { PerfConfigError, type ConfigProblem } from '../core/errors.ts'
import type { Fault } from './fault.ts'
import { faultPlanListSchema } from './schedule-schema.ts'
import { parseOptions } from '../config/zod-problems.ts'
import { seededRandom } from '../core/random.ts'

/** A fault started `at` into a run and stopped `duration` later. */
export interface ScheduledFault {
  at: string | number
  duration: string | number
  fault: Fault
}

/**
 * Random injection: the run is cut into slots of `slot` (default '1s') and the fault is active in
 * each slot with probability `failureRate`, drawn from `seed` so a run can be repeated.
 */
export interface RandomFault {
  failureRate: number
  fault: Fault
  slot?: string | number
  seed?: number
}

export type FaultPlan = ScheduledFault | RandomFault

function isRandom(f: FaultPlan): f is RandomFault {
  return 'failureRate' in f
}

/**
 * Expands random injections into scheduled windows over the planned length of a run; consecutive
 * active slots of one injection make one window (the fault is not stopped and started again).
 * `scale` (VITEST_PERF_DURATION_SCALE) stretches every time as it stretches the run.
 */
export function expandPlan(plan: FaultPlan[], plannedMs: number, scale = 1): ScheduledFault[] {
  const out: ScheduledFault[] = []
  for (const f of plan) {
    if (!isRandom(f)) {
      out.push({ ...f, at: parseDuration(f.at)! * scale, duration: parseDuration(f.duration)! * scale })
      continue
    }
    const slot = parseDuration(f.slot ?? 1000)! * scale
    const random = seededRandom(f.seed ?? 1)
    const end = Number.isFinite(plannedMs) ? plannedMs : 600_000
    let open: { at: number; duration: number; fault: Fault } | undefined
    for (let at = 0; at + slot <= end; at += slot) {
      if (random() >= f.failureRate) open = undefined
      else if (open) open.duration += slot
      else out.push((open = { at, duration: slot, fault: f.fault }))
    }
  }
  return out
}

/** Every problem of a fault plan, each with its path (`faults[2].duration`). */
export function validateSchedule(faults: FaultPlan[]): ConfigProblem[] {
  const checked = parseOptions(faultPlanListSchema, faults, { prefix: 'faults' })
  return checked.ok ? [] : checked.problems
}

/**
 * Starts and stops scheduled faults on the run's clock; finish() stops whatever is still active.
 * A window is the plan, half-open: `{ at: '7s', duration: '4s' }` is [7 s, 11 s), whatever the
 * timers' lateness or the time a fault takes to stop (cut short when the run ends first).
 */
export class FaultSchedule {
  readonly windows: FaultWindow[] = []
  private readonly timers: Timer[] = []
  private readonly active = new Set<Entry>()
  private readonly t0: number
  private readonly clock: Clock

  constructor(t0: number, faults: ScheduledFault[], clock: Clock = realClock) {
    const problems = validateSchedule(faults)
    if (problems.length) throw new PerfConfigError(problems, 'fault schedule')
    this.t0 = t0
    this.clock = clock
    for (const f of faults) {
      const at = parseDuration(f.at)!
      const duration = parseDuration(f.duration)!
      this.timers.push(clock.setTimeout(() => void this.begin(f.fault, at, duration), Math.max(0, t0 + at - clock.now())))
    }
  }

  private async begin(fault: Fault, at: number, duration: number): Promise<void> {
    // The same fault in two windows that touch: the first stops before the second starts.
    for (const e of this.active) if (e.fault === fault) await this.end(e)
    const window: FaultWindow = { name: fault.name, start: seconds(at), end: seconds(at + duration) }
    this.windows.push(window)
    const entry: Entry = { fault, window }
    this.active.add(entry)
    this.timers.push(this.clock.setTimeout(() => void this.end(entry), Math.max(0, this.t0 + at + duration - this.clock.now())))
    entry.starting = fault.start().catch((e: Error) => {
      window.error = `start failed: ${e.message}`
    })
    await entry.starting
  }

  private end(entry: Entry): Promise<void> {
    // Stopped before its planned end (the run ended): the window ends now.
    entry.window.end = Math.min(entry.window.end, seconds(this.clock.now() - this.t0))
    entry.stopping ??= (async () => {
      // A fault still starting when its window ends (a slow server) stops once it has started:
      // stopping halfway would leave what start() takes after that in place.
      await entry.starting
      try {
        await entry.fault.stop()
      } catch (e) {
        entry.window.error = `${entry.window.error ? `${entry.window.error}; ` : ''}stop failed: ${(e as Error).message}`
      }
      this.active.delete(entry)
    })()
    return entry.stopping
  }

  async finish(): Promise<FaultWindow[]> {
    for (const t of this.timers) this.clock.clearTimeout(t)
    await Promise.all([...this.active].map((e) => this.end(e)))
    return this.windows
  }
}

interface Entry {
  fault: Fault
  window: FaultWindow
  starting?: Promise<void>
  stopping?: Promise<void>
}

/** ms → s, rounded to the ms so windows compare exactly with the timeline's seconds. */
function seconds(ms: number): number {
  return Math.round(ms) / 1000
}
