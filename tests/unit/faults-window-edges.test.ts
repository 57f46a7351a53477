import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/core/clock.ts'
import { injectFaults } from '../../src/faults/run-faults.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runOnFakeClock } from '../helpers/fake-run.ts'

// Fault windows are the plan, half-open: [at, at + duration), checked on virtual time.
describe('fault windows', () => {
  it("{ at: '7s', duration: '4s' } is [7 s, 11 s): seconds 7–10 are flagged, second 11 is not", async () => {
    const clock = new FakeClock()
    const calls: string[] = []
    const fault = {
      name: 'outage',
      start: async () => void calls.push(`start ${clock.now()}`),
      // A stop that takes time must not stretch the window.
      stop: async () => {
        await sleep(5, undefined, clock)
        calls.push(`stop ${clock.now()}`)
      },
    }
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 10, duration: '14s', preAllocatedVUs: 2, maxVUs: 2 },
      () => sleep(10, undefined, clock),
      { extensions: [injectFaults([{ at: '7s', duration: '4s', fault }])] },
    )
    expect(calls).toEqual(['start 7000', 'stop 11005'])
    expect(result.faults).toMatchObject([{ name: 'outage', start: 7, end: 11 }])
    const flagged = result.timeline.filter((p) => p.faults?.includes('outage')).map((p) => p.t)
    expect(flagged).toEqual([7, 8, 9, 10])
    // 10 iterations a second: the fault's seconds hold 40 of them.
    expect(result.faults![0].iterations).toBe(40)
  })

  it('a window the run cuts short ends when the run ends', async () => {
    const clock = new FakeClock()
    const fault = { name: 'late', start: async () => {}, stop: async () => {} }
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 10, duration: '3s', preAllocatedVUs: 2, maxVUs: 2 },
      () => sleep(10, undefined, clock),
      { extensions: [injectFaults([{ at: '2s', duration: '5s', fault }])] },
    )
    // The last arrival is planned at 2.9 s and takes 10 ms: the run, and the window, end at 2.91 s.
    expect(result.durationMs).toBe(2910)
    expect(result.faults).toMatchObject([{ start: 2, end: 2.91 }])
  })
})
