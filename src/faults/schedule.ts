import { parseDuration } from '../config/duration.ts'
import { PerfConfigError, type ConfigProblem } from '../errors.ts'
import type { Fault } from './fault.ts'
import { seededRandom } from '../baselines/stats.ts'

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

/** When a fault was active, in seconds since the start of the run. */
export interface FaultWindow {
  name: string
  start: number
  end: number
  /** Set when the fault could not be started or stopped. */
  error?: string
}

export function validateSchedule(faults: FaultPlan[]): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  faults.forEach((f, i) => {
    if (isRandom(f)) {
      if (!(f.failureRate >= 0 && f.failureRate <= 1)) problems.push({ path: `faults[${i}].failureRate`, message: `must be a probability from 0 to 1, got ${JSON.stringify(f.failureRate)}` })
      if (f.slot !== undefined && !(parseDuration(f.slot)! > 0)) problems.push({ path: `faults[${i}].slot`, message: `cannot parse ${JSON.stringify(f.slot)}: use '1s'` })
      if (typeof f.fault?.start !== 'function' || typeof f.fault?.stop !== 'function') problems.push({ path: `faults[${i}].fault`, message: 'must be a fault: faults.connectionExhaustion(postgres), faults.cpuPressure({ threads: 1 }), …' })
      return
    }
    if (parseDuration(f.at) === undefined) problems.push({ path: `faults[${i}].at`, message: `cannot parse ${JSON.stringify(f.at)}: use '10s'` })
    if (!(parseDuration(f.duration)! > 0)) problems.push({ path: `faults[${i}].duration`, message: `cannot parse ${JSON.stringify(f.duration)}: use '5s'` })
    if (typeof f.fault?.start !== 'function' || typeof f.fault?.stop !== 'function') problems.push({ path: `faults[${i}].fault`, message: 'must be a fault: faults.connectionExhaustion(postgres), faults.cpuPressure({ threads: 1 }), …' })
  })
  return problems
}

/** Starts and stops scheduled faults on the run's clock; finish() stops whatever is still active. */
export class FaultSchedule {
  readonly windows: FaultWindow[] = []
  private readonly timers: NodeJS.Timeout[] = []
  private readonly active = new Set<{ fault: Fault; window: FaultWindow; stopping?: Promise<void> }>()
  private readonly t0: number

  constructor(t0: number, faults: ScheduledFault[]) {
    const problems = validateSchedule(faults)
    if (problems.length) throw new PerfConfigError(problems, 'fault schedule')
    this.t0 = t0
    for (const f of faults) {
      const at = parseDuration(f.at)!
      const duration = parseDuration(f.duration)!
      this.timers.push(setTimeout(() => void this.begin(f.fault, duration), Math.max(0, t0 + at - performance.now())))
    }
  }

  private now(): number {
    return Math.round(performance.now() - this.t0) / 1000
  }

  private async begin(fault: Fault, duration: number): Promise<void> {
    // The same fault in two windows that touch: the first stops before the second starts.
    for (const e of this.active) if (e.fault === fault) await this.end(e)
    const window: FaultWindow = { name: fault.name, start: this.now(), end: NaN }
    this.windows.push(window)
    const entry: { fault: Fault; window: FaultWindow; stopping?: Promise<void> } = { fault, window }
    this.active.add(entry)
    this.timers.push(setTimeout(() => void this.end(entry), duration))
    try {
      await fault.start()
    } catch (e) {
      window.error = `start failed: ${(e as Error).message}`
    }
  }

  private end(entry: { fault: Fault; window: FaultWindow; stopping?: Promise<void> }): Promise<void> {
    entry.stopping ??= (async () => {
      try {
        await entry.fault.stop()
      } catch (e) {
        entry.window.error = `${entry.window.error ? `${entry.window.error}; ` : ''}stop failed: ${(e as Error).message}`
      }
      entry.window.end = this.now()
      this.active.delete(entry)
    })()
    return entry.stopping
  }

  async finish(): Promise<FaultWindow[]> {
    for (const t of this.timers) clearTimeout(t)
    await Promise.all([...this.active].map((e) => this.end(e)))
    return this.windows
  }
}
