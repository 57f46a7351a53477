import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validateLoadConfig } from '../../src/config/validate.ts'
import { didYouMean, editDistance, knownKeysAt, parseOptions } from '../../src/config/zod-problems.ts'
import { PerfConfigError } from '../../src/core/errors.ts'
import { resolvePerfOptions } from '../../src/plugin/options.ts'

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PerfConfigError)
    return (e as PerfConfigError).problems
  }
  throw new Error('expected a PerfConfigError')
}

describe('did you mean', () => {
  it.each([
    ['maxVus', ['maxVUs', 'preAllocatedVUs', 'rate'], 'maxVUs'],
    ['maxvus', ['maxVUs', 'vus'], 'maxVUs'],
    ['gracefullStop', ['gracefulStop', 'name'], 'gracefulStop'],
    ['conections', ['connections', 'pipelining'], 'connections'],
    ['duraton', ['duration', 'iterations'], 'duration'],
    ['banana', ['duration', 'iterations'], undefined],
    ['x', ['vus', 'rate'], undefined],
  ])('%s among %j → %s', (key, known, expected) => {
    expect(didYouMean(key, known)).toEqual(expected === undefined ? [] : [expected])
  })

  it('names every key as close as the closest', () => {
    expect(didYouMean('tasg', ['tag', 'tags', 'path'])).toEqual(['tag', 'tags'])
  })

  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
    expect(editDistance('slto', 'slot')).toBe(1)
  })

  it('suggests the executor’s own option in a load config', () => {
    const found = problemsOf(() => validateLoadConfig({ executor: 'constant-arrival-rate', rate: 5, duration: '1s', maxVus: 20 }))
    expect(found).toEqual([{ path: 'maxVus', message: "unknown option 'maxVus'; did you mean 'maxVUs'?" }])
  })

  it('suggests inside nested objects, with the full path', () => {
    const found = problemsOf(() => validateLoadConfig({ executor: 'ramping-vus', stages: [{ duration: '1s', traget: 2 }] }))
    expect(found).toContainEqual({ path: 'stages[0].traget', message: "unknown option 'traget'; did you mean 'target'?" })
    expect(problemsOf(() => resolvePerfOptions({ infra: { postgres: { provder: 'local' } } }))).toContainEqual({
      path: 'perf().infra.postgres.provder',
      message: "unknown option 'provder'; did you mean 'provider'?",
    })
  })

  it('suggests an executor name', () => {
    expect(problemsOf(() => validateLoadConfig({ executor: 'constant-vu', duration: '1s' }))).toEqual([
      {
        path: 'executor',
        message:
          'unknown executor "constant-vu"; did you mean \'constant-vus\'? The executors are constant-vus, ramping-vus, shared-iterations, per-vu-iterations, constant-arrival-rate, ramping-arrival-rate, fixed-interval',
      },
    ])
  })

  it('lists the options when nothing is close', () => {
    const found = problemsOf(() => validateLoadConfig({ executor: 'constant-vus', duration: '1s', banana: 1 }))
    expect(found[0].message).toMatch(/^unknown option 'banana'; the options here are executor, vus, duration, iterations, name/)
  })
})

describe('parseOptions', () => {
  const schema = z.strictObject({
    port: z.number().int().min(1).max(65_535),
    mode: z.enum(['a', 'b']).optional(),
    upstream: z.union([z.literal(false), z.strictObject({ host: z.string().min(1) })]).optional(),
  })

  it('words zod’s issues the project’s way, each with its path', () => {
    const outcome = parseOptions(schema, { port: 0, mode: 'c', upstream: { host: '' } }, { prefix: 'proxy' })
    expect(outcome).toEqual({
      ok: false,
      problems: [
        { path: 'proxy.port', message: 'must be at least 1, got 0' },
        { path: 'proxy.mode', message: 'must be one of "a", "b", got "c"' },
        { path: 'proxy.upstream.host', message: 'must not be empty, got ""' },
      ],
    })
  })

  it('says "is required" for a missing option and names the forms of a union', () => {
    const outcome = parseOptions(schema, { upstream: 5 })
    expect(outcome.ok ? [] : outcome.problems).toEqual([
      { path: 'port', message: 'is required' },
      { path: 'upstream', message: 'must be false or an object, got 5' },
    ])
  })

  it('finds the known keys through unions by their literal fields', () => {
    const toxic = z.union([
      z.strictObject({ type: z.literal('latency'), attributes: z.strictObject({ latency: z.number() }) }),
      z.strictObject({ type: z.literal('bandwidth'), attributes: z.strictObject({ rate: z.number() }) }),
    ])
    expect(knownKeysAt(toxic, ['attributes'], { type: 'bandwidth', attributes: {} })).toEqual(['rate'])
    expect(knownKeysAt(toxic, [], { type: 'latency' })).toEqual(['type', 'attributes'])
  })
})
