import { describe, expect, it } from 'vitest'
import { ArrivalSchedule } from '../../src/engine/arrival-schedule.ts'
import { peakVus, stagesMs, vusAt } from '../../src/engine/vu-stages.ts'

function all(s: ArrivalSchedule): number[] {
  const out: number[] = []
  for (let t = s.next(); t !== undefined; t = s.next()) out.push(t)
  return out
}

describe('ArrivalSchedule', () => {
  it.each([
    [200, 5000, 1000, 1000, 5],
    [10_000, 1000, 1000, 10_000, 0.1],
    [3, 1000, 1000, 3, 333.333],
    [30, 60_000, 60_000, 30, 2000],
  ])('constant %d per %dms unit over %dms plans %d starts, %d ms apart', (rate, duration, unit, count, gap) => {
    const times = all(ArrivalSchedule.constant(rate, duration, unit))
    expect(times).toHaveLength(count)
    expect(times[0]).toBe(0)
    expect(times[1] - times[0]).toBeCloseTo(gap, 2)
    expect(times.at(-1)).toBeLessThan(duration)
  })

  it('ramps linearly: the count is the area under the rate curve', () => {
    const s = new ArrivalSchedule(
      0,
      [
        { duration: 10_000, target: 100 },
        { duration: 5000, target: 100 },
        { duration: 5000, target: 0 },
      ],
      1000,
    )
    const times = all(s)
    expect(times.length).toBeGreaterThanOrEqual(1249)
    expect(times.length).toBeLessThanOrEqual(1251)
    // During the ramp, half the first stage's iterations fall in its last quarter-ish: N(t) = 5 t².
    const firstFive = times.filter((t) => t < 5000).length
    expect(firstFive).toBeGreaterThanOrEqual(124)
    expect(firstFive).toBeLessThanOrEqual(126)
    expect(s.totalMs).toBe(20_000)
  })

  it('planned times are strictly increasing and the gaps shrink while the rate grows', () => {
    const times = all(new ArrivalSchedule(10, [{ duration: 2000, target: 100 }], 1000))
    for (let i = 2; i < times.length; i++) {
      expect(times[i]).toBeGreaterThan(times[i - 1])
      expect(times[i] - times[i - 1]).toBeLessThanOrEqual(times[i - 1] - times[i - 2] + 1e-9)
    }
  })

  it('a stage at rate 0 plans nothing and the next stage continues', () => {
    const times = all(
      new ArrivalSchedule(
        0,
        [
          { duration: 1000, target: 0 },
          { duration: 1000, target: 10 },
        ],
        1000,
      ),
    )
    expect(times.every((t) => t >= 1000)).toBe(true)
    expect(times.length).toBeGreaterThanOrEqual(4)
    expect(times.length).toBeLessThanOrEqual(6)
  })

  it('rateAt follows the stages', () => {
    const s = new ArrivalSchedule(100, [{ duration: 1000, target: 300 }], 1000)
    expect(s.rateAt(0) * 1000).toBeCloseTo(100)
    expect(s.rateAt(500) * 1000).toBeCloseTo(200)
    expect(s.rateAt(2000)).toBe(0)
  })
})

describe('ramping-vus stages', () => {
  const stages = [
    { duration: 1000, target: 10 },
    { duration: 1000, target: 10 },
    { duration: 2000, target: 0 },
  ]
  it.each([
    [0, 0],
    [500, 5],
    [999, 10],
    [1500, 10],
    [3000, 5],
    [4000, 0],
    [9999, 0],
  ])('at %d ms the target is %d VUs', (t, vus) => {
    expect(vusAt(0, stages, t)).toBe(vus)
  })
  it('peak and length', () => {
    expect(peakVus(0, stages)).toBe(10)
    expect(peakVus(20, stages)).toBe(20)
    expect(stagesMs(stages)).toBe(4000)
  })
})
