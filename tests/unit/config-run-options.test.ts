import { describe, expect, it } from 'vitest'
import { runOptionsProblems } from '../../src/run/options-schema.ts'
import { validateSchedule, type FaultPlan } from '../../src/faults/schedule.ts'

const fault = { name: 'f', start: async () => {}, stop: async () => {} }

describe('run options', () => {
  it('accepts what runLoad() takes', () => {
    expect(
      runOptionsProblems({
        repeat: 3,
        name: 'x',
        attach: false,
        monitor: { preciseHeap: true },
        faults: [{ at: '1s', duration: '1s', fault }],
        recovery: { p95Factor: 2 },
        signal: new AbortController().signal,
      }),
    ).toEqual([])
    expect(runOptionsProblems(undefined)).toEqual([])
  })

  it.each([
    [{ repeat: 0 }, 'options.repeat', 'must be a whole number from 1 to 100, got 0'],
    [{ repeat: 1.5 }, 'options.repeat', 'must be a whole number from 1 to 100, got 1.5'],
    [{ repaet: 2 }, 'options.repaet', "unknown option 'repaet'; did you mean 'repeat'?"],
    [{ monitor: true }, 'options.monitor', 'must be false or an object, got true'],
    [{ faults: [{ at: '1s', duration: 0, fault }] }, 'options.faults[0].duration', 'must be longer than 0'],
    [{ recovery: { p95Factor: 0.5 } }, 'options.recovery.p95Factor', 'must be at least 1, got 0.5'],
  ])('%j → %s', (options, path, message) => {
    expect(runOptionsProblems(options)).toEqual([{ path, message: expect.stringContaining(message) }])
  })
})

describe('fault plan', () => {
  it.each([
    [[{ at: 'soon', duration: '1s', fault }], 'faults[0].at', 'cannot parse duration "soon"'],
    [[{ at: '1s', duration: '1s', fault: {} }], 'faults[0].fault', 'must be a fault'],
    [[{ failureRate: 2, fault }], 'faults[0].failureRate', 'must be a probability from 0 to 1, got 2'],
    [[{ failureRate: 0.1, fault, slto: '1s' }], 'faults[0].slto', "did you mean 'slot'?"],
    [[{ at: '1s', duraton: '1s', fault }], 'faults[0].duraton', "did you mean 'duration'?"],
  ])('%j → %s', (plan, path, message) => {
    expect(validateSchedule(plan as unknown as FaultPlan[])).toContainEqual({ path, message: expect.stringContaining(message) })
  })
})
