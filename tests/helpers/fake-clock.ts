import type { Clock, Timer } from '../../src/core/clock.ts'

export interface FakeClockOptions {
  /**
   * Virtual time an immediate waits before it runs (default 0: immediates run before time
   * advances). Code that spins on setImmediate until time passes, as the open model does for a
   * start less than 1 ms away, never ends on a clock that only moves between callbacks; give it
   * a microsecond (0.001) so the spin ends, at the cost of that much lateness.
   */
  immediateDelayMs?: number
}

export interface RunLimits {
  /** Callbacks run before giving up (default 200 000). */
  maxSteps?: number
  /** Virtual time not to go past (default one hour). */
  maxMs?: number
}

class FakeTimer {
  readonly kind: 'timeout' | 'interval' | 'immediate'
  readonly fn: () => void
  readonly every: number
  due: number

  constructor(kind: FakeTimer['kind'], fn: () => void, due: number, every: number) {
    this.kind = kind
    this.fn = fn
    this.due = due
    this.every = every
  }
}

/**
 * A Clock on virtual time, from 0. Nothing runs on its own: `run(promise)` runs the callbacks in
 * order of due time, then creation, and moves time to the next one only when none is due.
 */
export class FakeClock implements Clock {
  private time = 0
  private readonly timers: FakeTimer[] = []
  private readonly immediateDelayMs: number

  constructor(options: FakeClockOptions = {}) {
    this.immediateDelayMs = options.immediateDelayMs ?? 0
  }

  now(): number {
    return this.time
  }

  /** Callbacks waiting to run (timeouts, intervals and immediates). */
  get pending(): number {
    return this.timers.length
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.add('timeout', fn, Math.max(0, ms))
  }

  setInterval(fn: () => void, ms: number): Timer {
    // As Node does: an interval under 1 ms repeats every 1 ms, not forever at the same instant.
    return this.add('interval', fn, Math.max(1, ms))
  }

  setImmediate(fn: () => void): Timer {
    return this.add('immediate', fn, this.immediateDelayMs)
  }

  clearTimeout(timer: Timer | undefined): void {
    this.remove(timer)
  }

  clearInterval(timer: Timer | undefined): void {
    this.remove(timer)
  }

  clearImmediate(timer: Timer | undefined): void {
    this.remove(timer)
  }

  /**
   * Runs the clock until `promise` settles and returns (or throws) what it settled with. Between
   * two callbacks, pending promise jobs run; time jumps to the next callback when none is due.
   */
  async run<T>(promise: Promise<T>, limits: RunLimits = {}): Promise<T> {
    const { maxSteps = 200_000, maxMs = 3_600_000 } = limits
    let settled = false
    let steps = 0
    const done = promise.finally(() => (settled = true))
    done.catch(() => {})
    await flushMicrotasks()
    while (!settled) {
      const next = this.timers[0]
      if (next === undefined) {
        throw new Error(
          `FakeClock.run: nothing is scheduled at ${this.time} ms and the promise has not settled: it waits on something other than this clock (real timers, I/O)`,
        )
      }
      if (next.due > maxMs)
        throw new Error(
          `FakeClock.run: virtual time would pass maxMs (${maxMs} ms; next callback at ${next.due} ms) before the promise settled`,
        )
      if (++steps > maxSteps) {
        throw new Error(
          `FakeClock.run: ${maxSteps} callbacks ran (virtual time ${this.time} ms) and the promise has not settled: a loop keeps scheduling callbacks without letting time pass (raise maxSteps for a longer run)`,
        )
      }
      this.time = Math.max(this.time, next.due)
      this.timers.shift()
      if (next.kind === 'interval') {
        next.due += next.every
        this.insert(next)
      }
      next.fn()
      await flushMicrotasks()
    }
    return done
  }

  private add(kind: FakeTimer['kind'], fn: () => void, ms: number): Timer {
    const timer = new FakeTimer(kind, fn, this.time + ms, ms)
    this.insert(timer)
    return timer as Timer
  }

  /** After every timer due at the same time or earlier: ties run in order of creation. */
  private insert(timer: FakeTimer): void {
    let i = this.timers.length
    while (i > 0 && this.timers[i - 1].due > timer.due) i--
    this.timers.splice(i, 0, timer)
  }

  private remove(timer: Timer | undefined): void {
    const i = this.timers.indexOf(timer as FakeTimer)
    if (i >= 0) this.timers.splice(i, 1)
  }
}

/** Lets every pending promise job run, also those they queue: Node drains them all before a real immediate. */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
