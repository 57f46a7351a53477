import { afterEach, describe, expect, it, vi } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'
import { compileThresholds } from '../../src/thresholds/define.ts'

afterEach(() => vi.restoreAllMocks())

describe('thresholds that can never fail are flagged', () => {
  it.each([
    [
      { errors: ['rate<1'] },
      'thresholds.errors[0]',
      /"rate<1" fails only when every iteration fails: .*did you mean "rate<0.01" or "rate<1%"\?/,
    ],
    [
      { errors: ['rate<5'] },
      'thresholds.errors[0]',
      /"rate<5" can never fail: a rate is a fraction \(1 = 100 %\); did you mean "rate<0.05"/,
    ],
    [{ errors: ['rate<=1'] }, 'thresholds.errors[0]', /can never fail/],
    [{ ok: ['rate>=0%'] }, 'thresholds.ok[0]', /can never fail: a rate is never below 0/],
    [{ iterations: ['count>=0'] }, 'thresholds.iterations[0]', /can never fail: a count is never below 0/],
  ])('%j', (input, path, message) => {
    const { defs, problems, warnings } = compileThresholds(input)
    expect(problems).toEqual([])
    // A warning, not an error: the threshold still counts.
    expect(defs).toHaveLength(1)
    expect(warnings).toHaveLength(1)
    expect(warnings[0].path).toBe(path)
    expect(warnings[0].message).toMatch(message)
  })

  it.each([[{ errors: ['rate<0.01'] }], [{ errors: ['rate<1%'] }], [{ latency: ['p(95)<1'] }], [{ iterations: ['count>0'] }]])(
    'no warning for %j',
    (input) => {
      expect(compileThresholds(input).warnings).toEqual([])
    },
  )

  it('runLoad() prints the warning with its path before the run', async () => {
    const warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await runLoad({ executor: 'shared-iterations', iterations: 1, thresholds: { errors: ['rate<1'] } }, () => {}, {
      attach: false,
      monitor: false,
    })
    expect(warnSpy).toHaveBeenCalledWith(
      expect.stringMatching(/^vitest-perf: thresholds\.errors\[0\]: "rate<1" fails only when every iteration fails/),
    )
  })
})
