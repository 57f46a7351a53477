import { describe, expect, it } from 'vitest'
import { runAB } from '../../src/baselines/ab.ts'
import { matchBaseline } from '../../src/baselines/matcher.ts'
import { PerfConfigError } from '../../src/core/errors.ts'

async function problemsOf(call: () => Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const error = await call().catch((e: unknown) => e)
  expect(error).toBeInstanceOf(PerfConfigError)
  return (error as PerfConfigError).problems
}

describe('toMatchBaseline() options', () => {
  it('are checked before any baseline is read, every problem at once', async () => {
    const found = await problemsOf(() =>
      matchBaseline({} as never, {} as never, { alpha: 2, only: ['latency.p90'], environment: 'ignore', maxRerun: 3 } as never),
    )
    expect(found).toEqual([
      { path: 'toMatchBaseline.alpha', message: 'must be less than 1, got 2' },
      { path: 'toMatchBaseline.only[0]', message: expect.stringMatching(/^must be one of "latency.p50", .*, got "latency.p90"$/) },
      { path: 'toMatchBaseline.environment', message: 'must be one of "refuse", "warn", "normalize", got "ignore"' },
      { path: 'toMatchBaseline.maxRerun', message: "unknown option 'maxRerun'; did you mean 'maxReruns'?" },
    ])
  })

  it('takes what docs/baselines.md shows', async () => {
    const documented = {
      alpha: 0.01,
      severity: { floor: 0.02, minor: 0.05, major: 0.1, critical: 0.25 },
      metrics: { 'latency.p99': { floor: 0.05, minor: 0.1 } },
      only: ['latency.p50', 'latency.p95'],
      environment: 'warn',
      maxReruns: 2,
      failOnInconclusive: false,
      key: 'x',
    }
    // Past the options, the empty result fails elsewhere: not with a PerfConfigError.
    const error = await matchBaseline({} as never, {} as never, documented as never).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(PerfConfigError)
  })
})

describe('runAB() options', () => {
  it('keeps its repeat message', async () => {
    const found = await problemsOf(() =>
      runAB({ executor: 'constant-vus', duration: '1s' }, { reference: () => {}, candidate: () => {} }, { repeat: 1 }),
    )
    expect(found).toEqual([{ path: 'options.repeat', message: 'must be a whole number from 2 to 100 for an A/B comparison, got 1' }])
  })
})
