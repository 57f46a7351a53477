import type { ArrivalSchedule } from './arrival-schedule.ts'
import type { Runtime, Vu } from './runtime.ts'

export interface OpenModelOptions {
  preAllocatedVUs: number
  maxVUs: number
  overload: 'drop' | 'queue'
}

/**
 * Starts iterations at the planned times of `schedule`, whatever the system under test does.
 * A late wake-up starts every overdue iteration at once; latency still counts from the plan.
 * With every VU busy, an iteration is dropped (k6) or queued to start late (wrk2).
 */
export function runOpenModel(rt: Runtime, schedule: ArrivalSchedule, options: OpenModelOptions): Promise<void> {
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
      schedule.rescale(performance.now() - rt.t0, factor)
      maxVUs = Math.ceil(maxVUs * factor)
    })
    let timer: NodeJS.Timeout | undefined
    let immediate: NodeJS.Immediate | undefined
    rt.queued = () => queue.length - head

    const settleIfDone = () => {
      if (!scheduling && rt.inflight === 0 && (head >= queue.length || rt.stopping)) resolve()
    }
    const start = (vu: Vu, planned: number) => {
      void vu.iterate(planned, performance.now()).then(() => released(vu))
    }
    const released = (vu: Vu) => {
      if (head < queue.length && !rt.stopping) {
        start(vu, queue[head++])
        if (head > 4096 && head * 2 > queue.length) queue.splice(0, head), (head = 0)
        return
      }
      free.push(vu)
      settleIfDone()
    }
    const dispatch = (planned: number, now: number) => {
      let vu = free.pop()
      if (vu === undefined && rt.vuCount < maxVUs) vu = rt.newVu()
      if (vu !== undefined) start(vu, planned)
      else if (options.overload === 'queue') queue.push(planned)
      else rt.recorder.recordDropped(now)
    }
    const tick = () => {
      timer = immediate = undefined
      if (rt.stopping) return finishScheduling()
      const now = performance.now()
      while (next !== undefined && rt.t0 + next <= now) {
        dispatch(rt.t0 + next, now)
        next = schedule.next()
      }
      if (next === undefined) return finishScheduling()
      const wait = rt.t0 + next - performance.now()
      if (wait >= 1) timer = setTimeout(tick, Math.floor(wait))
      else immediate = setImmediate(tick)
    }
    const finishScheduling = () => {
      scheduling = false
      settleIfDone()
    }
    rt.onStop(() => {
      if (timer) clearTimeout(timer)
      if (immediate) clearImmediate(immediate)
      if (scheduling) finishScheduling()
    })
    tick()
  })
}
