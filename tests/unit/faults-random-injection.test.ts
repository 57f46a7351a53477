import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/engine/run-load.ts'
import { expandPlan } from '../../src/faults/schedule.ts'

const noop = { name: 'flag', start: async () => {}, stop: async () => {} }

describe('random fault injection (failureRate)', () => {
  it('activates the fault in about failureRate of the slots, the same ones for a seed', () => {
    const plan = expandPlan([{ failureRate: 0.05, fault: noop, slot: '1s', seed: 7 }], 2000 * 1000)
    expect(plan.length).toBeGreaterThan(70)
    expect(plan.length).toBeLessThan(130)
    expect(plan.every((p) => Number(p.at) % 1000 === 0 && p.duration === 1000)).toBe(true)
    expect(expandPlan([{ failureRate: 0.05, fault: noop, seed: 7 }], 2_000_000).map((p) => p.at)).toEqual(plan.map((p) => p.at))
    expect(expandPlan([{ failureRate: 0.05, fault: noop, seed: 8 }], 2_000_000).map((p) => p.at)).not.toEqual(plan.map((p) => p.at))
  })

  it('injects during a run: iterations fail while the fault is active, windows are recorded', async () => {
    let broken = false
    const fault = { name: 'broken backend', start: async () => void (broken = true), stop: async () => void (broken = false) }
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 100, duration: '3s' }, () => {
      if (broken) throw Object.assign(new Error('injected'), { code: 'INJECTED' })
    }, { attach: false, faults: [{ failureRate: 0.5, fault, slot: '500ms', seed: 3 }] })
    const windows = result.faults!
    expect(windows.length).toBeGreaterThan(0)
    expect(result.errors.byKind.INJECTED.count).toBeGreaterThan(0)
    expect(broken).toBe(false)
  })

  it('rejects a failure rate that is not a probability, before anything starts', async () => {
    await expect(runLoad({ executor: 'shared-iterations', iterations: 1 }, () => {}, { faults: [{ failureRate: 5, fault: noop }] })).rejects.toThrow(/faults\[0\]\.failureRate: must be a probability from 0 to 1, got 5/)
  })
})
