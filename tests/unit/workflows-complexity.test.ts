import { afterAll, describe, expect, it } from 'vitest'
import type { DpBatch } from '../../src/workflows/data-processing.ts'
import type { TrRecord } from '../../src/workflows/transformation.ts'
import { workflows, type GeneratedWorkflow, type GenerateOptions } from '../../src/workflows/workflows.ts'

const target = { postgres: { url: 'postgres://app@127.0.0.1:1/shop' } }
const built: GeneratedWorkflow[] = []
async function make(options: Omit<GenerateOptions, 'target'>): Promise<GeneratedWorkflow> {
  const wf = await workflows.generate({ target, ...options })
  built.push(wf)
  return wf
}
afterAll(async () => {
  await Promise.all(built.map((wf) => wf.teardown()))
})

const joinsIn = (sql: string) => sql.match(/ join /g)?.length ?? 0

describe('data-processing grows with complexity', () => {
  it.each([
    ['simple', 20, ['ingest', 'validate', 'transform-enrich', 'store'], 1, 1],
    ['medium', 100, ['ingest', 'validate', 'transform-enrich', 'transform-price', 'store'], 2, 2],
    ['complex', 400, ['ingest', 'validate', 'transform-enrich', 'transform-price', 'transform-flag', 'transform-rank', 'store'], 4, 4],
  ] as const)('%s: %i rows per batch, steps %j, %i joins', async (complexity, rows, steps, joins, enrichJoins) => {
    const wf = await make({ kind: 'data-processing', complexity, seed: 1 })
    const d = wf.describe()
    expect(d.steps).toEqual(steps)
    expect(d.joins).toBe(joins)
    expect(joinsIn(d.statements['transform-enrich'][0])).toBe(enrichJoins)
    const batch = wf.input(0) as DpBatch
    expect(batch.rows).toBe(rows)
    expect(batch.csv.trimEnd().split('\n')).toHaveLength(rows + 1)
  })

  it('keeps rejected rows from medium on', async () => {
    expect((await make({ kind: 'data-processing', complexity: 'simple' })).describe().statements.store).toHaveLength(2)
    expect((await make({ kind: 'data-processing', complexity: 'medium' })).describe().statements.store).toHaveLength(3)
  })

  it('ranks with a window function only in the rank stage', async () => {
    const d = (await make({ kind: 'data-processing', complexity: 'complex' })).describe()
    expect(d.statements['transform-rank'][0]).toMatch(/row_number\(\) over/)
  })
})

describe('analytics grows with complexity', () => {
  it.each([
    ['simple', 1, 500, 20],
    ['medium', 2, 3000, 50],
    ['complex', 3, 10000, 100],
  ] as const)('%s: %i aggregate queries over %i orders, %i distinct queries', async (complexity, queries, orders, distinct) => {
    const d = (await make({ kind: 'analytics', complexity })).describe()
    expect(d.statements.aggregate).toHaveLength(queries)
    expect(d.parameters.orders).toBe(orders)
    expect(d.parameters.queries).toBe(distinct)
  })

  it('uses a CTE and a window function in complex, and one more join per category query', async () => {
    const medium = (await make({ kind: 'analytics', complexity: 'medium' })).describe()
    const complex = (await make({ kind: 'analytics', complexity: 'complex' })).describe()
    expect(complex.statements.aggregate[2]).toMatch(/^with spend as \(.*rank\(\) over \(partition by region/)
    expect(joinsIn(complex.statements.aggregate[1])).toBe(joinsIn(medium.statements.aggregate[1]) + 1)
  })

  it('caches in a table when the target has no Redis', async () => {
    const d = (await make({ kind: 'analytics' })).describe()
    expect(d.cache).toBe('none')
    expect(d.statements['cache-lookup'][0]).toMatch(/from an1m_report_cache/)
  })
})

describe('transformation grows with complexity', () => {
  it.each([
    ['simple', 50, ['write-rollup']],
    ['medium', 200, ['write-rollup', 'write-lineage']],
    ['complex', 600, ['write-rollup', 'write-lineage', 'write-tiers']],
  ] as const)('%s: %i records, write stages %j', async (complexity, records, stages) => {
    const wf = await make({ kind: 'transformation', complexity })
    expect(wf.steps).toEqual(['generate', 'filter', 'write-items', 'group', ...stages])
    expect(wf.input(0) as TrRecord[]).toHaveLength(records)
    const last = wf.describe().statements[stages[stages.length - 1]]
    expect(last[last.length - 1]).toMatch(/^update tr1\w_runs set status = 'done'/)
  })
})

describe('overrides beat the complexity profile', () => {
  it('takes rows, stages, payload and stripes as given', async () => {
    const wf = await make({ kind: 'data-processing', complexity: 'complex', rows: 3, stages: 1, payloadBytes: 0, stripes: 1 })
    expect(wf.steps).toEqual(['ingest', 'validate', 'transform-enrich', 'store'])
    const batch = wf.input(0) as DpBatch
    expect(batch.rows).toBe(3)
    expect(wf.describe().sizes).toMatchObject({ rows: 3, stages: 1, payloadBytes: 0, stripes: 1, referenceRows: 1000 })
  })

  it('widens rows with payloadBytes', async () => {
    const narrow = (await make({ kind: 'transformation', payloadBytes: 0 })).input(0) as TrRecord[]
    const wide = (await make({ kind: 'transformation', payloadBytes: 500 })).input(0) as TrRecord[]
    expect(narrow[0].payload).toBe('')
    expect(wide[0].payload).toHaveLength(500)
  })
})
