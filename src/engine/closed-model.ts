import { sleep, yieldToEventLoop } from '../core/clock.ts'
import type { Runtime, Vu } from './runtime.ts'

export interface ClosedLoopOptions {
  /** Whether this VU may start another iteration (iteration caps); none means until endAt. */
  claim?: (vu: Vu) => boolean
  /** Pause after each iteration (fixed-interval). */
  pauseMs?: number
}

const YIELD_EVERY_MS = 10

/**
 * One VU of a closed model: iterations back to back until the end time, a cap or a stop.
 * Latency and service time are the same here: nothing is scheduled ahead of the VU.
 */
export async function runClosedVu(rt: Runtime, vu: Vu, options: ClosedLoopOptions): Promise<void> {
  const { claim, pauseMs = 0 } = options
  const { recorder, workflow, endAt, clock } = rt
  const ctx = vu.ctx
  rt.activeVUs++
  let last = clock.now()
  try {
    // The iteration is inlined (not vu.iterate()) because each extra async layer costs a
    // microtask hop per iteration, a third of the engine's overhead on a noop workflow.
    for (;;) {
      if (rt.stopping) return
      // Workflows that never wait on I/O would starve timers and messages (stop, progress): yield.
      if (last - rt.yieldedAt >= YIELD_EVERY_MS) {
        rt.yieldedAt = last
        await yieldToEventLoop(clock)
        if (rt.stopping) return
      }
      const start = clock.now()
      if (start >= endAt || (claim !== undefined && !claim(vu))) return
      ctx.iteration = rt.started++
      ctx.vuIteration = vu.count
      rt.inflight++
      let failed = false
      let error: unknown
      try {
        await workflow(ctx)
      } catch (e) {
        failed = true
        error = e
      }
      const end = clock.now()
      last = end
      rt.inflight--
      vu.count++
      if (!rt.hard) recorder.recordIteration(start, start, end, failed, error)
      if (pauseMs > 0) {
        // No iteration could start after a pause that reaches the end: stop now, not a tick later.
        if (clock.now() + pauseMs >= endAt) return
        await sleep(pauseMs, rt.stopSignal, clock)
      }
    }
  } finally {
    rt.activeVUs--
  }
}

/**
 * Starts `count` VUs running `options` and resolves when all have finished, including VUs
 * added mid-run to take on a lost shard's share.
 */
export async function runClosedVus(rt: Runtime, count: number, options: ClosedLoopOptions): Promise<void> {
  const loops: Promise<void>[] = []
  for (let i = 0; i < count; i++) loops.push(runClosedVu(rt, rt.newVu(), options))
  rt.setRebalancer(({ vus }) => {
    for (let i = 0; i < vus; i++) loops.push(runClosedVu(rt, rt.newVu(), options))
  })
  for (let done = 0; done < loops.length;) {
    const n = loops.length
    await Promise.all(loops.slice(done, n))
    done = n
  }
}
