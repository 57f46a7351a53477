import type { Timer } from '../core/clock.ts'
import type { ArrivalSchedule } from './arrival-schedule.ts'
import type { Runtime, Vu } from './runtime.ts'

export interface OpenModelOptions {
  preAllocatedVUs: number
  maxVUs: number
  overload: 'drop' | 'queue'
  maxQueue: number
}

// Arrivals started per turn of the event loop: behind schedule at a huge rate, one synchronous
// catch-up would keep stop, abort and the hard deadline from ever running.
const DISPATCH_BATCH = 1024

/**
 * Starts iterations at the planned times of `schedule`, whatever the system under test does.
 * A late wake-up starts every overdue iteration at once; latency still counts from the plan.
 * With every VU busy, an iteration is dropped (k6) or queued to start late (wrk2).
 */
export function runOpenModel(rt: Runtime, schedule: ArrivalSchedule, options: OpenModelOptions): Promise<void> {
  const clock = rt.clock
  return new Promise((resolve) => {
    const free: Vu[] = []
    for (let i = 0; i < options.preAllocatedVUs; i++) free.push(rt.newVu())
    const queue: number[] = []
    let head = 0
    let next = schedule.next()
    let scheduling = true
    let maxVUs = options.maxVUs
    // A lost shard's share: the rate from now on, and the VU cap, grow by `factor`.
    rt.setRebalancer(({ factor }) => {
      schedule.rescale(clock.now() - rt.t0, factor)
      maxVUs = Math.ceil(maxVUs * factor)
    })
    let timer: Timer | undefined
    let immediate: Timer | undefined
    rt.queued = () => queue.length - head

    const settleIfDone = () => {
      if (!scheduling && rt.inflight === 0 && (head >= queue.length || rt.stopping)) resolve()
    }
    const start = (vu: Vu, planned: number) => {
      void vu.iterate(planned, clock.now()).then(() => released(vu))
    }
    const released = (vu: Vu) => {
      if (head < queue.length && !rt.stopping) {
        start(vu, queue[head++])
        if (head > 4096 && head * 2 > queue.length) {
          queue.splice(0, head)
          head = 0
        }
        return
      }
      free.push(vu)
      settleIfDone()
    }
    const dispatch = (planned: number, now: number) => {
      let vu = free.pop()
      if (vu === undefined && rt.vuCount < maxVUs) vu = rt.newVu()
      if (vu !== undefined) start(vu, planned)
      else if (options.overload === 'queue' && queue.length - head < options.maxQueue) queue.push(planned)
      else {
        if (options.overload === 'queue') rt.queueFull++
        rt.recorder.recordDropped(now)
      }
    }
    const tick = () => {
      timer = immediate = undefined
      if (rt.stopping || rt.ended) return finishScheduling()
      const now = clock.now()
      for (let n = 0; next !== undefined && rt.t0 + next <= now; n++) {
        if (n === DISPATCH_BATCH) {
          // Still behind at the planned end: what is left can no longer start on time.
          if (now >= rt.endAt) {
            rt.recorder.recordDropped(now, 1 + schedule.remaining())
            next = undefined
            return finishScheduling()
          }
          immediate = clock.setImmediate(tick)
          return
        }
        dispatch(rt.t0 + next, now)
        next = schedule.next()
      }
      if (next === undefined) return finishScheduling()
      const wait = rt.t0 + next - clock.now()
      if (wait >= 1) timer = clock.setTimeout(tick, Math.floor(wait))
      else immediate = clock.setImmediate(tick)
    }
    const finishScheduling = () => {
      scheduling = false
      settleIfDone()
    }
    rt.onStop(() => {
      clock.clearTimeout(timer)
      clock.clearImmediate(immediate)
      if (scheduling) finishScheduling()
    })
    tick()
  })
}
