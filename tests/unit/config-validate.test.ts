import { describe, expect, it } from 'vitest'
import { validateLoadConfig } from '../../src/config/validate.ts'
import { PerfConfigError } from '../../src/core/errors.ts'

function problems(input: unknown): { path: string; message: string }[] {
  try {
    validateLoadConfig(input)
  } catch (e) {
    expect(e).toBeInstanceOf(PerfConfigError)
    expect((e as PerfConfigError).code).toBe('PERF_CONFIG_INVALID')
    return (e as PerfConfigError).problems
  }
  throw new Error('expected the config to be rejected')
}

describe('validateLoadConfig', () => {
  it('fills defaults and converts durations to ms', () => {
    const { config } = validateLoadConfig({ executor: 'constant-arrival-rate', rate: 50, duration: '1m30s' })
    expect(config).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 50,
      duration: 90_000,
      timeUnit: 1000,
      maxVUs: 100,
      preAllocatedVUs: 10,
      overload: 'drop',
      gracefulStop: 10_000,
    })
  })

  it('reports every problem of one config at once, each with its path', () => {
    const found = problems({
      executor: 'ramping-arrival-rate',
      startRate: -1,
      stages: [
        { duration: '10s', target: 5 },
        { duration: 'soon', target: -2 },
      ],
      maxVUs: 0,
      thresholds: { latency: ['p(95<200'], errors: ['rate<0.01', 'avg<2'] },
    })
    const paths = found.map((p) => p.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'startRate',
        'stages[1].duration',
        'stages[1].target',
        'maxVUs',
        'thresholds.latency[0]',
        'thresholds.errors[1]',
      ]),
    )
    expect(found.find((p) => p.path === 'stages[1].duration')?.message).toMatch(/cannot parse duration "soon"/)
  })

  it.each([
    ['negative rate', { executor: 'constant-arrival-rate', rate: -5, duration: '10s' }, 'rate', /greater than 0/],
    ['unknown executor', { executor: 'constant-rate', rate: 5 }, 'executor', /unknown executor "constant-rate"; use one of constant-vus/],
    ['missing executor', { vus: 5 }, 'executor', /is required/],
    ['stages missing', { executor: 'ramping-vus' }, 'stages', /is required/],
    ['rate missing', { executor: 'constant-arrival-rate', duration: '1s' }, 'rate', /is required/],
    [
      'window on a custom metric',
      { executor: 'constant-vus', duration: '1s', thresholds: { db: ['p(95)<10 over 1s'] } },
      'thresholds.db',
      /built-in metrics/,
    ],
    ['empty stages', { executor: 'ramping-vus', stages: [] }, 'stages', /at least one/],
    ['unparseable duration', { executor: 'constant-vus', duration: '10 seconds' }, 'duration', /cannot parse duration/],
    ['unbounded run', { executor: 'constant-vus', vus: 10 }, 'duration', /unbounded run/],
    ['unbounded fixed-interval', { executor: 'fixed-interval', interval: '1s' }, 'duration', /unbounded run/],
    ['zero-length stages', { executor: 'ramping-vus', stages: [{ duration: 0, target: 5 }] }, 'stages', /unbounded run/],
    [
      'typo in an option',
      { executor: 'constant-vus', vus: 1, duration: '1s', gracefullStop: '1s' },
      'gracefullStop',
      /unknown option 'gracefullStop'; did you mean 'gracefulStop'\?/,
    ],
    ['fractional VUs', { executor: 'constant-vus', vus: 1.5, duration: '1s' }, 'vus', /whole number/],
    [
      'preAllocatedVUs above maxVUs',
      { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 20, maxVUs: 5 },
      'preAllocatedVUs',
      /maxVUs is 5/,
    ],
    ['bad overload', { executor: 'constant-arrival-rate', rate: 1, duration: '1s', overload: 'wait' }, 'overload', /"drop", "queue"/],
  ])('%s', (_, input, path, message) => {
    const found = problems(input)
    const hit = found.find((p) => p.path === path)
    expect(hit, JSON.stringify(found)).toBeDefined()
    expect(hit?.message).toMatch(message)
  })

  it('rejects something that is not an object', () => {
    expect(problems('fast')[0].message).toMatch(/expected an object/)
  })

  it('formats the error with every problem on its own line', () => {
    expect(() => validateLoadConfig({ executor: 'constant-arrival-rate', rate: -5, duration: 'x' })).toThrow(
      /2 problems\); nothing was started:\n {2}- rate: .*\n {2}- duration: cannot parse/,
    )
  })
})

describe('VITEST_PERF_DURATION_SCALE', () => {
  it('stretches duration, stages and maxDuration', () => {
    process.env.VITEST_PERF_DURATION_SCALE = '720'
    try {
      expect(validateLoadConfig({ executor: 'constant-vus', duration: '2m' }).config).toMatchObject({ duration: 86_400_000 })
      expect(validateLoadConfig({ executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }] }).config).toMatchObject({
        stages: [{ duration: 7_200_000, target: 5 }],
      })
    } finally {
      delete process.env.VITEST_PERF_DURATION_SCALE
    }
  })

  it('rejects a scale that is not a positive number', () => {
    process.env.VITEST_PERF_DURATION_SCALE = 'long'
    try {
      expect(problems({ executor: 'constant-vus', duration: '1s' })).toEqual([
        { path: 'VITEST_PERF_DURATION_SCALE', message: expect.stringMatching(/positive number/) },
      ])
    } finally {
      delete process.env.VITEST_PERF_DURATION_SCALE
    }
  })
})
