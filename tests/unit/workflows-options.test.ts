import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../src/workflows/options.ts'
import { PerfWorkflowConfigError, workflows } from '../../src/workflows/workflows.ts'

const postgres = { url: 'postgres://app@127.0.0.1:1/shop' }

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    resolveOptions(input)
  } catch (e) {
    expect(e).toBeInstanceOf(PerfWorkflowConfigError)
    expect((e as PerfWorkflowConfigError).code).toBe('PERF_WORKFLOW_INVALID')
    return (e as PerfWorkflowConfigError).problems
  }
  throw new Error('expected a PerfWorkflowConfigError')
}

describe('workflows.generate() options: each problem', () => {
  it.each([
    [{ kind: 'etl', target: { postgres } }, 'kind', "use one of 'data-processing', 'analytics', 'transformation'"],
    [{ target: { postgres } }, 'kind', 'is missing'],
    [{ kind: 'analytics', complexity: 'huge', target: { postgres } }, 'complexity', "use one of 'simple', 'medium', 'complex'"],
    [{ kind: 'analytics', seed: -1, target: { postgres } }, 'seed', 'integer ≥ 0'],
    [{ kind: 'analytics', seed: 1.5, target: { postgres } }, 'seed', 'integer ≥ 0'],
    [{ kind: 'analytics' }, 'target', 'pass the fixtures'],
    [{ kind: 'analytics', target: {} }, 'target', 'has no database'],
    [{ kind: 'analytics', target: { redis: { url: 'redis://127.0.0.1:1' } } }, 'target', 'redis only caches'],
    [{ kind: 'analytics', target: { postgres, sqlite: {} } }, 'target.sqlite', 'is not a service'],
    [{ kind: 'analytics', target: { postgres: { port: 5432 } } }, 'target.postgres', 'needs a url or a host'],
    [{ kind: 'analytics', target: { postgres }, store: 'mysql' }, 'store', "the target has no mysql (it has 'postgres')"],
    [{ kind: 'analytics', target: { postgres }, store: 'oracle' }, 'store', 'use one of'],
    [{ kind: 'analytics', target: { postgres }, poolSize: 0 }, 'poolSize', 'from 1 to 1000'],
    [{ kind: 'analytics', target: { postgres }, prefix: 'Orders-' }, 'prefix', 'lower-case letters'],
    [{ kind: 'analytics', target: { postgres }, tags: { step: 'x' } }, 'tags.step', 'set by each step'],
    [{ kind: 'analytics', target: { postgres }, tags: { a: 'x,y' } }, 'tags.a', 'is "x,y"; use non-empty string values without , { }'],
    [{ kind: 'analytics', target: { postgres }, rows: 0 }, 'rows', 'an integer from 1 to 100000'],
    [{ kind: 'analytics', target: { postgres }, rows: 2.5 }, 'rows', 'an integer'],
    [{ kind: 'analytics', target: { postgres }, invalidRate: 1.5 }, 'invalidRate', 'a number from 0 to 1'],
    [{ kind: 'analytics', target: { postgres }, stages: 4 }, 'stages', 'from 1 to 3'],
    [{ kind: 'data-processing', target: { postgres }, stages: 5 }, 'stages', 'from 1 to 4'],
    [{ kind: 'analytics', target: { postgres }, row: 10 }, 'row', "is not an option; did you mean 'rows'?"],
    [
      { kind: 'analytics', target: { postgress: postgres } },
      'target.postgress',
      "is not a service; use 'postgres', 'mysql', 'mongodb', 'redis'; did you mean 'postgres'?",
    ],
  ])('%j → %s', (input, path, message) => {
    const problems = problemsOf(input)
    expect(problems).toContainEqual({ path, message: expect.stringContaining(message) })
  })

  it('rejects a non-object', () => {
    expect(problemsOf('analytics')).toEqual([{ path: '', message: expect.stringContaining('pass an object') }])
  })
})

describe('workflows.generate() options: all at once', () => {
  it('lists every problem in one error, before anything connects', async () => {
    const bad = { kind: 'etl', complexity: 'huge', seed: 'x', target: { redis: { url: 'redis://127.0.0.1:1' } }, rows: -1 }
    const err = await workflows.generate(bad as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PerfWorkflowConfigError)
    expect((err as PerfWorkflowConfigError).problems.map((p) => p.path)).toEqual(['kind', 'complexity', 'seed', 'target', 'rows'])
    expect((err as Error).message).toMatch(/^Invalid workflow options \(5 problems\); nothing was connected:\n {2}- kind: is "etl"/)
  })
})

describe('workflows.generate() options: defaults and overrides', () => {
  it('fills the complexity’s sizes and takes overrides', () => {
    const o = resolveOptions({ kind: 'data-processing', target: { postgres }, rows: 7, payloadBytes: 0 })
    expect(o).toMatchObject({ complexity: 'medium', seed: 1, store: 'postgres', cache: false, poolSize: 20, prefix: 'dp1m_' })
    expect(o.sizes).toMatchObject({ rows: 7, payloadBytes: 0, stages: 2, referenceRows: 200, stripes: 8 })
  })

  it('accepts a fixture-shaped target with extra fields', () => {
    const fixture = {
      service: 'postgres',
      provider: 'local',
      url: postgres.url,
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      password: '',
      database: 'vp_x',
      snapshot: () => {},
    }
    expect(resolveOptions({ kind: 'analytics', target: { postgres: fixture } }).store).toBe('postgres')
  })
})

describe('workflows.connect() options', () => {
  it('checks the target and the pool size the same way', async () => {
    const err = await workflows.connect({ redis: { url: 'redis://127.0.0.1:1' } }, { poolSize: -1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PerfWorkflowConfigError)
    expect((err as PerfWorkflowConfigError).problems.map((p) => p.path)).toEqual(['target', 'poolSize'])
  })

  it('refuses a handle given back to it', async () => {
    const conns = await workflows.connect({ postgres })
    await expect(workflows.connect(conns as never)).rejects.toThrow(/already a connect\(\) handle/)
    await conns.close()
  })
})

describe('workflows.mix() options', () => {
  it('rejects an empty list and weights that do not fit', () => {
    expect(() => workflows.mix([])).toThrow(/workflows: is empty/)
    const fake = { name: 'a', steps: [] } as never
    expect(() => workflows.mix([fake], { weights: [1, 2] })).toThrow(/weights: has 2 entries for 1 workflows/)
    expect(() => workflows.mix([fake], { weights: [0] })).toThrow(/at least one above 0/)
  })
})
