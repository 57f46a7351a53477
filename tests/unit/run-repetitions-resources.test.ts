import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'

describe('repetitions keep every resource sample', () => {
  it('repeat: 3 → the samples of all three, on the timeline’s end-to-end clock', async () => {
    const result = await runLoad({ executor: 'constant-vus', vus: 1, duration: '1500ms' }, () => new Promise((r) => setTimeout(r, 5)), {
      repeat: 3,
      attach: false,
    })
    expect(result.repetitions).toHaveLength(3)
    const ts = result.resources.map((s) => s.t)
    // At least one sample per repetition (before: only the last repetition's).
    expect(ts.length).toBeGreaterThanOrEqual(3)
    expect(ts.every((t, i) => i === 0 || t > ts[i - 1])).toBe(true)
    // The last samples belong to the third repetition, which starts after the first two timelines.
    expect(ts.at(-1)!).toBeGreaterThan(result.timeline.length - 2)
    expect(ts[0]).toBeLessThan(2)
  }, 20_000)
})
