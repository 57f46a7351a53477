import { parseDuration } from '../config/duration.ts'
import { PerfConfigError, type ConfigProblem } from '../errors.ts'
import type { Fault } from './fault.ts'

/** A fault started `at` into a run and stopped `duration` later. */
export interface ScheduledFault {
  at: string | number
  duration: string | number
  fault: Fault
}

/** When a fault was active, in seconds since the start of the run. */
export interface FaultWindow {
  name: string
  start: number
  end: number
  /** Set when the fault could not be started or stopped. */
  error?: string
}

export function validateSchedule(faults: ScheduledFault[]): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  faults.forEach((f, i) => {
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
