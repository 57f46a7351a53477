import { afterAll, describe, expect, it } from 'vitest'
import { workflows, type GeneratedWorkflow, type GenerateOptions } from '../../src/workflows/workflows.ts'

// Nothing listens on port 1: generate() opens pools lazily, so a workflow can be built,
// described and compared without any server.
const offline = {
  postgres: { url: 'postgres://app@127.0.0.1:1/shop' },
  mysql: { host: '127.0.0.1', port: 1, user: 'root', database: 'shop' },
  mongodb: { url: 'mongodb://127.0.0.1:1/shop' },
  redis: { host: '127.0.0.1', port: 1 },
}
const KINDS = ['data-processing', 'analytics', 'transformation'] as const
const built: GeneratedWorkflow[] = []

async function make(options: Partial<GenerateOptions> & Pick<GenerateOptions, 'kind'>): Promise<GeneratedWorkflow> {
  const wf = await workflows.generate({ target: { postgres: offline.postgres, redis: offline.redis }, ...options })
  built.push(wf)
  return wf
}

afterAll(async () => {
  await Promise.all(built.map((wf) => wf.teardown()))
})

describe.each(KINDS)('%s', (kind) => {
  it('gives the same statements, schema, parameters and inputs for the same seed', async () => {
    const a = await make({ kind, seed: 42 })
    const b = await make({ kind, seed: 42 })
    expect(b.describe()).toEqual(a.describe())
    for (const i of [0, 1, 999]) expect(b.input(i)).toEqual(a.input(i))
  })

  it('gives other parameters and inputs for another seed (same prefix)', async () => {
    const a = await make({ kind, seed: 42, prefix: 'wf_' })
    const b = await make({ kind, seed: 43, prefix: 'wf_' })
    expect(b.describe().parameters).not.toEqual(a.describe().parameters)
    expect(b.input(0)).not.toEqual(a.input(0))
    expect(a.describe().schema).toEqual(b.describe().schema)
    // Thresholds and tiers chosen by the seed are part of the SQL text.
    if (kind === 'data-processing') expect(b.describe().statements).not.toEqual(a.describe().statements)
  })

  it('varies the input per iteration, deterministically', async () => {
    const wf = await make({ kind, seed: 7 })
    expect(wf.input(1)).not.toEqual(wf.input(2))
    expect(wf.input(2)).toEqual(wf.input(2))
  })

  it('writes each dialect’s own SQL: $n placeholders for PostgreSQL, ? for MySQL', async () => {
    const pg = (await make({ kind, seed: 5 })).describe()
    const my = (await make({ kind, seed: 5, target: { mysql: offline.mysql } })).describe()
    const pgSql = Object.values(pg.statements).flat().join('\n')
    const mySql = Object.values(my.statements).flat().join('\n')
    expect(pgSql).toMatch(/\$1/)
    expect(pgSql).not.toMatch(/\?/)
    expect(mySql).toMatch(/\?/)
    expect(mySql).not.toMatch(/\$1/)
    expect(pg.schema.join('\n')).toMatch(/create table if not exists/)
    expect(my.store).toBe('mysql')
    expect(pg.parameters).toEqual(my.parameters)
  })

  it('describes MongoDB operations as JSON, equal for the same seed', async () => {
    const a = (await make({ kind, seed: 3, target: { mongodb: offline.mongodb } })).describe()
    const b = (await make({ kind, seed: 3, target: { mongodb: offline.mongodb } })).describe()
    expect(a.store).toBe('mongodb')
    expect(a.statements).toEqual(b.statements)
    const ops = Object.values(a.statements).flat()
    expect(ops.length).toBeGreaterThan(0)
    for (const op of ops) expect(() => JSON.parse(op)).not.toThrow()
  })
})

describe('generated names and defaults', () => {
  it('names the workflow and prefixes its tables after kind, seed and complexity', async () => {
    const wf = await make({ kind: 'data-processing', seed: 42, complexity: 'complex' })
    expect(wf.name).toBe('data-processing/complex#42')
    const d = wf.describe()
    expect(d.prefix).toBe('dp42c_')
    expect(d.tables.every((t) => t.startsWith('dp42c_'))).toBe(true)
    expect(d.cache).toBe('redis')
    expect((await make({ kind: 'analytics', target: { postgres: offline.postgres } })).describe()).toMatchObject({
      prefix: 'an1m_',
      complexity: 'medium',
      seed: 1,
      cache: 'none',
    })
  })

  it('prefers postgres, then mysql, then mongodb, unless store says otherwise', async () => {
    const target = { mysql: offline.mysql, mongodb: offline.mongodb, postgres: offline.postgres }
    expect((await make({ kind: 'transformation', target })).describe().store).toBe('postgres')
    expect((await make({ kind: 'transformation', target, store: 'mongodb' })).describe().store).toBe('mongodb')
    expect((await make({ kind: 'transformation', target: { mongodb: offline.mongodb, mysql: offline.mysql } })).describe().store).toBe(
      'mysql',
    )
  })

  it('shares one pool between workflows built on a connect() handle', async () => {
    const conns = await workflows.connect({ postgres: offline.postgres }, { poolSize: 4 })
    const a = await workflows.generate({ kind: 'analytics', target: conns })
    const b = await workflows.generate({ kind: 'transformation', target: conns })
    expect(conns.stores).toEqual(['postgres'])
    await a.teardown()
    await b.teardown()
    await conns.close()
  })
})
