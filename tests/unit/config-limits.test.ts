import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOAD_LIMITS } from '../../src/config/limits.ts'
import { validateLoadConfig } from '../../src/config/validate.ts'
import { PerfConfigError } from '../../src/core/errors.ts'

function problemsOf(config: unknown) {
  try {
    validateLoadConfig(config)
  } catch (e) {
    expect(e).toBeInstanceOf(PerfConfigError)
    return (e as PerfConfigError).problems
  }
  throw new Error('expected a PerfConfigError')
}

afterEach(() => vi.unstubAllEnvs())

describe('limits of a load config', () => {
  it('vus: 1e9 is refused before any VU is created, naming the limit and the opt-out', () => {
    const problems = problemsOf({ executor: 'constant-vus', vus: 1e9, duration: '1s' })
    expect(problems).toEqual([{ path: 'vus', message: expect.stringContaining(`above the limit of ${LOAD_LIMITS.vus} VUs`) }])
    expect(problems[0].message).toContain('unbounded: true')
  })

  it('maxVUs, preAllocatedVUs, startVUs and ramping-vus targets are VU counts too', () => {
    expect(problemsOf({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxVUs: 20_000 }).map((p) => p.path)).toEqual([
      'maxVUs',
    ])
    const ramp = problemsOf({ executor: 'ramping-vus', startVUs: 50_000, stages: [{ duration: '1s', target: 1e6 }] })
    expect(ramp.map((p) => p.path)).toEqual(['startVUs', 'stages[0].target'])
  })

  it('rate: 1e9 per second is refused; the limit is per second whatever the timeUnit', () => {
    const problems = problemsOf({ executor: 'constant-arrival-rate', rate: 1e9, duration: '1s' })
    expect(problems[0]).toMatchObject({ path: 'rate', message: expect.stringMatching(/above the limit of 100000\/s; set unbounded: true/) })
    // 200 per ms is 200 000/s.
    expect(problemsOf({ executor: 'constant-arrival-rate', rate: 200, timeUnit: '1ms', duration: '1s' })[0].path).toBe('rate')
    expect(
      problemsOf({ executor: 'ramping-arrival-rate', startRate: 0, stages: [{ duration: '1s', target: 5e5 }] }).map((p) => p.path),
    ).toEqual(['stages[0].target'])
  })

  it("duration: '1000h' is refused: past 24 h by default, past the timers' 2^31−1 ms always", () => {
    const problems = problemsOf({ executor: 'constant-vus', vus: 1, duration: '1000h' })
    expect(problems).toEqual([{ path: 'duration', message: expect.stringContaining("past the timers' limit of 596h") }])
    const lifted = problemsOf({ executor: 'constant-vus', vus: 1, duration: '1000h', unbounded: true })
    expect(lifted[0].message).toContain("timers' limit")
    expect(problemsOf({ executor: 'constant-vus', vus: 1, duration: '25h' })[0].message).toMatch(/above the limit of 24h; set unbounded/)
    expect(validateLoadConfig({ executor: 'constant-vus', vus: 1, duration: '25h', unbounded: true }).config).toMatchObject({
      duration: 25 * 3_600_000,
    })
  })

  it('stages adding up past a limit, and a scale that stretches a run past one, are refused', () => {
    const stages = Array.from({ length: 30 }, () => ({ duration: '1h', target: 1 }))
    expect(problemsOf({ executor: 'ramping-vus', stages })[0]).toMatchObject({ path: 'stages' })
    vi.stubEnv('VITEST_PERF_DURATION_SCALE', '30')
    expect(problemsOf({ executor: 'constant-vus', vus: 1, duration: '1h' })[0].message).toContain('above the limit of 24h')
    expect(problemsOf({ executor: 'constant-vus', vus: 1, duration: '30h', unbounded: true })[0].message).toContain("timers' limit")
  })

  it('gracefulStop, interval and timeUnit cannot overflow a timer either', () => {
    expect(problemsOf({ executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '1000h' })[0].path).toBe('gracefulStop')
    expect(problemsOf({ executor: 'fixed-interval', interval: '1000h', duration: '1s' })[0].path).toBe('interval')
  })

  it('unbounded: true lifts VU and rate limits; unbounded must be a boolean', () => {
    expect(validateLoadConfig({ executor: 'constant-vus', vus: 20_000, duration: '1s', unbounded: true }).config).toMatchObject({
      vus: 20_000,
    })
    expect(problemsOf({ executor: 'constant-vus', vus: 1, duration: '1s', unbounded: 'yes' })[0].path).toBe('unbounded')
  })

  it('values at the limits pass', () => {
    validateLoadConfig({ executor: 'constant-vus', vus: LOAD_LIMITS.vus, duration: '24h' })
    validateLoadConfig({ executor: 'constant-arrival-rate', rate: LOAD_LIMITS.ratePerSecond, duration: '1s', maxVUs: LOAD_LIMITS.vus })
  })

  it("overload 'queue' has a cap: maxQueue, 10 000 by default", () => {
    const { config } = validateLoadConfig({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', overload: 'queue' })
    expect(config).toMatchObject({ maxQueue: 10_000 })
    expect(problemsOf({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxQueue: 0 })[0].path).toBe('maxQueue')
  })
})
