import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'
import { expandPlan, FaultSchedule } from '../../src/faults/schedule.ts'
import { sleep } from '../../src/core/clock.ts'
import { FakeClock } from '../helpers/fake-clock.ts'

const noop = { name: 'flag', start: async () => {}, stop: async () => {} }

describe('random fault injection (failureRate)', () => {
  it('activates the fault in about failureRate of the slots, the same ones for a seed', () => {
    const plan = expandPlan([{ failureRate: 0.05, fault: noop, slot: '1s', seed: 7 }], 2000 * 1000)
    const active = plan.reduce((ms, p) => ms + Number(p.duration), 0)
    expect(active).toBeGreaterThan(70_000)
    expect(active).toBeLessThan(130_000)
    expect(plan.every((p) => Number(p.at) % 1000 === 0 && Number(p.duration) % 1000 === 0)).toBe(true)
    // Consecutive active slots are one window: windows never touch.
    for (let i = 1; i < plan.length; i++) expect(Number(plan[i].at)).toBeGreaterThan(Number(plan[i - 1].at) + Number(plan[i - 1].duration))
    expect(expandPlan([{ failureRate: 0.05, fault: noop, seed: 7 }], 2_000_000).map((p) => p.at)).toEqual(plan.map((p) => p.at))
    expect(expandPlan([{ failureRate: 0.05, fault: noop, seed: 8 }], 2_000_000).map((p) => p.at)).not.toEqual(plan.map((p) => p.at))
  })

  it('scales fault times with the run (VITEST_PERF_DURATION_SCALE), random slots included', () => {
    expect(expandPlan([{ at: '20s', duration: '4s', fault: noop }], 3000, 0.05)).toEqual([{ at: 1000, duration: 200, fault: noop }])
    const full = expandPlan([{ failureRate: 0.3, fault: noop, seed: 5 }], 60_000)
    const scaled = expandPlan([{ failureRate: 0.3, fault: noop, seed: 5 }], 3000, 0.05)
    expect(scaled.map((p) => [p.at, p.duration])).toEqual(full.map((p) => [Number(p.at) * 0.05, Number(p.duration) * 0.05]))
  })

  it('a fault in two windows that touch is stopped before it starts again', async () => {
    let running = 0
    let most = 0
    const fault = {
      name: 'slow stop',
      start: async () => void (most = Math.max(most, ++running)),
      stop: async () => {
        await new Promise((r) => setTimeout(r, 50))
        running--
      },
    }
    const schedule = new FaultSchedule(performance.now(), [
      { at: 0, duration: 20, fault },
      { at: 20, duration: 20, fault },
    ])
    await new Promise((r) => setTimeout(r, 200))
    const windows = await schedule.finish()
    expect(windows).toHaveLength(2)
    expect(most).toBe(1)
    expect(windows[1].start).toBeGreaterThanOrEqual(windows[0].end)
  })

  it('a fault whose start outlasts its window is stopped after it has started, not halfway', async () => {
    const clock = new FakeClock()
    const log: string[] = []
    const fault = {
      name: 'slow start',
      start: async () => {
        log.push(`start ${clock.now()}`)
        await sleep(300, undefined, clock)
        log.push(`started ${clock.now()}`)
      },
      stop: async () => void log.push(`stop ${clock.now()}`),
    }
    const schedule = new FaultSchedule(0, [{ at: 100, duration: 100, fault }], clock)
    await clock.run(sleep(1000, undefined, clock))
    const windows = await clock.run(schedule.finish())
    expect(log).toEqual(['start 100', 'started 400', 'stop 400'])
    expect(windows).toEqual([{ name: 'slow start', start: 0.1, end: 0.2 }])
  })

  it('injects during a run: iterations fail while the fault is active, windows are recorded', async () => {
    let broken = false
    const fault = { name: 'broken backend', start: async () => void (broken = true), stop: async () => void (broken = false) }
    const result = await runLoad(
      { executor: 'constant-arrival-rate', rate: 100, duration: '3s' },
      () => {
        if (broken) throw Object.assign(new Error('injected'), { code: 'INJECTED' })
      },
      { attach: false, faults: [{ failureRate: 0.5, fault, slot: '500ms', seed: 3 }] },
    )
    const windows = result.faults!
    expect(windows.length).toBeGreaterThan(0)
    expect(result.errors.byKind.INJECTED.count).toBeGreaterThan(0)
    expect(broken).toBe(false)
  })

  it('rejects a failure rate that is not a probability, before anything starts', async () => {
    await expect(
      runLoad({ executor: 'shared-iterations', iterations: 1 }, () => {}, { faults: [{ failureRate: 5, fault: noop }] }),
    ).rejects.toThrow(/faults\[0\]\.failureRate: must be a probability from 0 to 1, got 5/)
  })
})
