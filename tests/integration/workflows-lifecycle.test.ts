import pg from 'pg'
import { expect } from 'vitest'
import { perfTest, runLoad } from 'vitest-perf'
import { PerfWorkflowError, workflows } from '../../src/workflows/workflows.ts'

const ONE = { executor: 'shared-iterations', vus: 1, iterations: 1 } as const

perfTest('run() before setup() and after teardown() fails the iteration with PERF_WORKFLOW_STATE', async ({ postgres }) => {
  const wf = await workflows.generate({ kind: 'transformation', complexity: 'simple', target: { postgres } })
  const before = await runLoad(ONE, wf.run)
  expect(before.errors.byKind.PERF_WORKFLOW_STATE?.message).toMatch(/it is not set up; await wf.setup\(\) before running it/)
  await wf.setup()
  expect((await runLoad(ONE, wf.run)).failed).toBe(0)
  await wf.teardown()
  const after = await runLoad(ONE, wf.run)
  expect(after.errors.byKind.PERF_WORKFLOW_STATE?.message).toMatch(/it is torn down; generate a new workflow after teardown\(\)/)
  await expect(wf.setup()).rejects.toMatchObject({ code: 'PERF_WORKFLOW_STATE' })
})

perfTest('setup() on a server that is not there fails with PERF_WORKFLOW_SETUP and the cause', async () => {
  const wf = await workflows.generate({ kind: 'analytics', target: { postgres: { url: 'postgres://postgres@127.0.0.1:1/none' } } })
  const err = await wf.setup().catch((e: unknown) => e)
  expect(err).toBeInstanceOf(PerfWorkflowError)
  expect(err).toMatchObject({
    code: 'PERF_WORKFLOW_SETUP',
    message: expect.stringMatching(/^Setting up analytics\/medium#1 on postgres failed: .*ECONNREFUSED/),
  })
  await wf.teardown()
})

perfTest('setup() again, from another workflow on the same tables, keeps one copy of the reference data', async ({ mysql }) => {
  const options = { kind: 'analytics', complexity: 'simple', seed: 4, target: { mysql } } as const
  const first = await workflows.generate(options)
  await first.setup()
  const before = await first.counts()
  const second = await workflows.generate({ ...options, referenceRows: 600 })
  await second.setup()
  await second.setup()
  const after = await second.counts()
  expect(before.an4s_orders).toBe(500)
  // Grown to the larger size, nothing doubled.
  expect(after.an4s_orders).toBe(600)
  expect(after.an4s_regions).toBe(before.an4s_regions)
  await first.teardown()
  await second.teardown()
})

perfTest('the same seed stores the same data; another seed other data', async ({ postgres }) => {
  const client = new pg.Client(postgres.options)
  await client.connect()
  const totals = async (seed: number, prefix: string) => {
    const wf = await workflows.generate({ kind: 'data-processing', complexity: 'medium', seed, prefix, target: { postgres } })
    await wf.setup()
    expect((await runLoad({ executor: 'shared-iterations', vus: 4, iterations: 8 }, wf.run)).failed).toBe(0)
    await wf.teardown()
    const { rows } = await client.query(
      `select day::text, category, region, sum(n)::int as n, sum(total)::text as total from ${prefix}daily group by 1, 2, 3 order by 1, 2, 3`,
    )
    return rows
  }
  try {
    const a = await totals(5, 'same_a_')
    expect(a.length).toBeGreaterThan(10)
    expect(await totals(5, 'same_b_')).toEqual(a)
    expect(await totals(6, 'other_')).not.toEqual(a)
  } finally {
    await client.end()
  }
})

// One hot row per key and 20 concurrent stores: ordered upserts must queue, never deadlock.
perfTest('stripes: 1 puts every store on the same rows without deadlocks (PostgreSQL)', async ({ postgres, run }) => {
  const wf = await workflows.generate({ kind: 'data-processing', complexity: 'simple', seed: 3, stripes: 1, target: { postgres } })
  await wf.setup()
  const result = await run({ executor: 'shared-iterations', vus: 40, iterations: 200 }, wf.run)
  expect(result.errors.byKind).toEqual({})
  expect(result.metrics.workflow_retries).toBeUndefined()
  await wf.teardown()
})

perfTest('stripes: 1 puts every store on the same rows without deadlocks (MariaDB)', async ({ mysql, run }) => {
  const wf = await workflows.generate({ kind: 'transformation', complexity: 'simple', seed: 3, stripes: 1, target: { mysql } })
  await wf.setup()
  const result = await run({ executor: 'shared-iterations', vus: 40, iterations: 200 }, wf.run)
  expect(result.errors.byKind).toEqual({})
  await wf.teardown()
})
