import { describe, expect, it } from 'vitest'
import { ResourceSampler } from '../../src/monitor/sampler.ts'

describe('event-loop delay', () => {
  it('an idle loop reads near 0 ms, not the 20 ms sampling resolution; a blocked loop reads the block', async () => {
    const sampler = new ResourceSampler(performance.now())
    await sampler.start()
    await new Promise((r) => setTimeout(r, 2300))
    // Block the loop for 150 ms now and then.
    for (let i = 0; i < 3; i++) {
      const until = performance.now() + 150
      while (performance.now() < until);
      await new Promise((r) => setTimeout(r, 100))
    }
    await new Promise((r) => setTimeout(r, 700))
    const samples = await sampler.stop()
    const idle = samples.filter((s) => s.t <= 2.3)
    expect(idle.length).toBeGreaterThanOrEqual(2)
    // Generous for a busy machine; before, an idle loop read p50 ≈ 20 ms here.
    for (const s of idle) expect(s.eventLoop.p50, JSON.stringify(s.eventLoop)).toBeLessThan(10)
    expect(Math.max(...samples.map((s) => s.eventLoop.max))).toBeGreaterThan(100)
  }, 15_000)
})
