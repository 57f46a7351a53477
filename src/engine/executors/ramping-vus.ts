import type { RampingVusConfig } from '../../core/load-config.ts'
import { sleep } from '../../core/clock.ts'
import type { Runtime, Vu } from '../runtime.ts'
import { peakVus, stagesMs, vusAt } from '../vu-stages.ts'
import type { Executor } from './executor.ts'

// How often a parked VU looks whether the target has grown to include it.
const PARK_POLL_MS = 20

/**
 * VU count follows the stages. A VU above the current target finishes its iteration and
 * parks until the target includes it again (k6's graceful ramp-down).
 */
export const rampingVus: Executor<RampingVusConfig> = {
  plannedMs: (c) => stagesMs(c.stages),
  async run(rt, c) {
    const loops: Promise<void>[] = []
    for (let i = 0; i < peakVus(c.startVUs, c.stages); i++) loops.push(loop(rt, rt.newVu(), i, c))
    await Promise.all(loops)
  },
}

async function loop(rt: Runtime, vu: Vu, index: number, c: RampingVusConfig): Promise<void> {
  let active = false
  try {
    for (;;) {
      if (rt.stopping) return
      const now = rt.clock.now()
      if (now >= rt.endAt) return
      if (index >= vusAt(c.startVUs, c.stages, now - rt.t0)) {
        if (active) rt.activeVUs--
        active = false
        await sleep(Math.min(PARK_POLL_MS, rt.endAt - now), rt.stopSignal, rt.clock)
        continue
      }
      if (!active) rt.activeVUs++
      active = true
      await vu.iterate(now, now)
    }
  } finally {
    if (active) rt.activeVUs--
  }
}
