import { describe, expect, it } from 'vitest'
import { validateLoadConfig } from '../../src/config/validate.ts'
import type { LoadConfig, ResolvedLoadConfig } from '../../src/core/load-config.ts'
import { ArrivalSchedule } from '../../src/engine/arrival-schedule.ts'
import { part, splitConfig, splitProblems } from '../../src/engine/shards/split.ts'

const resolve = (c: LoadConfig) => validateLoadConfig(c).config
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const shards = (c: ResolvedLoadConfig, n: number) =>
  Array.from({ length: n }, (_, i) => splitConfig(c, n, i)) as unknown as Record<string, unknown>[]

describe('splitting a load over shards', () => {
  it('whole parts differ by at most one and add up', () => {
    for (const [total, n] of [
      [10, 3],
      [7, 7],
      [1000, 6],
      [5, 2],
    ]) {
      const parts = Array.from({ length: n }, (_, i) => part(total, n, i))
      expect(sum(parts)).toBe(total)
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1)
    }
  })

  it('VUs and iteration counts of closed models add up exactly', () => {
    const shared = shards(resolve({ executor: 'shared-iterations', vus: 10, iterations: 1001 }), 3)
    expect(shared.map((s) => s.vus)).toEqual([4, 3, 3])
    expect(sum(shared.map((s) => s.iterations as number))).toBe(1001)
    const perVu = shards(resolve({ executor: 'per-vu-iterations', vus: 5, iterations: 20 }), 2)
    expect(perVu.map((s) => [s.vus, s.iterations])).toEqual([
      [3, 20],
      [2, 20],
    ])
    const ramp = shards(
      resolve({
        executor: 'ramping-vus',
        startVUs: 2,
        stages: [
          { duration: '1s', target: 9 },
          { duration: '1s', target: 0 },
        ],
      }),
      3,
    )
    expect(sum(ramp.map((s) => s.startVUs as number))).toBe(2)
    expect(sum(ramp.map((s) => (s.stages as { target: number }[])[0].target))).toBe(9)
    for (const s of shards(resolve({ executor: 'constant-vus', vus: 4, duration: '1s', workers: 2 }), 2)) {
      expect(s.workers).toBeUndefined()
      expect(s.duration).toBe(1000)
    }
  })

  it('a split rate plans exactly the arrivals of the whole, interleaved by phase', () => {
    const parts = shards(resolve({ executor: 'constant-arrival-rate', rate: 100, duration: '10s', maxVUs: 9 }), 3)
    expect(parts.map((s) => s.maxVUs)).toEqual([3, 3, 3])
    const planned = parts.flatMap((s) => {
      const schedule = ArrivalSchedule.constant(s.rate as number, 10_000, 1000, s.phase as number)
      const out: number[] = []
      for (let t = schedule.next(); t !== undefined; t = schedule.next()) out.push(t)
      return out
    })
    const whole: number[] = []
    const one = ArrivalSchedule.constant(100, 10_000, 1000)
    for (let t = one.next(); t !== undefined; t = one.next()) whole.push(t)
    expect(planned.length).toBe(whole.length)
    planned.sort((a, b) => a - b)
    planned.forEach((t, i) => expect(t).toBeCloseTo(whole[i], 6))
  })

  it('a rescaled schedule runs at the new rate from then on', () => {
    const s = ArrivalSchedule.constant(100, 10_000, 1000)
    const times: number[] = []
    for (let t = s.next(); t !== undefined && t < 5000; t = s.next()) times.push(t)
    s.rescale(5000, 1.5)
    let after = 0
    for (let t = s.next(); t !== undefined; t = s.next()) after++
    expect(times.length).toBe(500)
    expect(after).toBeGreaterThanOrEqual(749)
    expect(after).toBeLessThanOrEqual(751)
  })

  it('refuses shards without a VU, saying how to fix it', () => {
    expect(splitProblems(resolve({ executor: 'constant-vus', vus: 2, duration: '1s' }), 3, 'drivers')[0]).toMatchObject({
      path: 'vus',
      message: expect.stringContaining('fewer than the 3 drivers'),
    })
    expect(splitProblems(resolve({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxVUs: 1 }), 2, 'workers')[0].path).toBe(
      'maxVUs',
    )
    expect(splitProblems(resolve({ executor: 'constant-vus', vus: 3, duration: '1s' }), 3, 'drivers')).toEqual([])
  })
})
