import performanceHooks from 'node:perf_hooks'

/**
 * Where the engine reads time and sets timers. The real clock is performance.now() and Node's
 * timers; tests inject a fake one (tests/helpers/fake-clock.ts) to assert exact counts and times.
 */
export interface Clock {
  /** Milliseconds on a monotonic clock (performance.now() for the real one). */
  now(): number
  setTimeout(fn: () => void, ms: number): Timer
  clearTimeout(timer: Timer | undefined): void
  setInterval(fn: () => void, ms: number): Timer
  clearInterval(timer: Timer | undefined): void
  /** Runs `fn` after pending I/O callbacks: how a busy loop yields to the event loop. */
  setImmediate(fn: () => void): Timer
  clearImmediate(timer: Timer | undefined): void
}

/** An opaque timer handle. */
export type Timer = { readonly __timer?: never } | NodeJS.Timeout | NodeJS.Immediate

// The module's own binding: the global `performance` is a lazy getter, read on every access.
const perf = performanceHooks.performance

export const realClock: Clock = {
  now: () => perf.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (t) => clearInterval(t as NodeJS.Timeout | undefined),
  setImmediate: (fn) => setImmediate(fn),
  clearImmediate: (t) => clearImmediate(t as NodeJS.Immediate | undefined),
}

/** Resolves after `ms`, or at once when `signal` aborts. Never rejects. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Lets pending I/O callbacks and timers run (setImmediate on the given clock). */
export function yieldToEventLoop(clock: Clock = realClock): Promise<void> {
  return new Promise((resolve) => clock.setImmediate(resolve))
}
