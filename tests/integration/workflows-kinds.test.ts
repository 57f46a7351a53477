import { Redis } from 'ioredis'
import { expect } from 'vitest'
import { perfTest, type RunFn, type RunResult } from 'vitest-perf'
import type { DpBatch } from '../../src/workflows/data-processing.ts'
import type { AnQuery } from '../../src/workflows/analytics.ts'
import { trFilter, type TrParameters, type TrRecord } from '../../src/workflows/transformation.ts'
import { workflows, type GeneratedWorkflow, type WorkflowComplexity } from '../../src/workflows/workflows.ts'

// Every kind at every complexity, once on PostgreSQL with Redis and once on MariaDB without:
// the statements run for real, the rows land, and each step shows up as latency{step:…}.
// The MongoDB cases skip where no MongoDB can be had (our machines: no Debian package, no
// registry) and run wherever VITEST_PERF_MONGODB_URL, Docker or a mongod binary gives one.
const ITERATIONS = 12
const CASES = (['data-processing', 'analytics', 'transformation'] as const).flatMap((kind) =>
  (['simple', 'medium', 'complex'] as const).map((c) => [kind, c] as const),
)
const iterations = Array.from({ length: ITERATIONS }, (_, i) => i)

async function exercise(wf: GeneratedWorkflow, run: RunFn): Promise<{ result: RunResult; counts: Record<string, number> }> {
  await wf.setup()
  const result = await run({ executor: 'shared-iterations', vus: 4, iterations: ITERATIONS }, wf.run)
  expect(result.errors.byKind).toEqual({})
  expect(result.iterations).toBe(ITERATIONS)
  for (const step of wf.steps) {
    const metric = result.metrics[`latency{step:${step}}`]
    expect(metric, step).toMatchObject({ type: 'trend', name: 'latency', tags: { step } })
  }
  return { result, counts: await wf.counts() }
}

function checkDataProcessing(wf: GeneratedWorkflow, counts: Record<string, number>, complexity: WorkflowComplexity): number {
  const p = wf.describe().prefix
  const batches = iterations.map((i) => wf.input(i) as DpBatch)
  const rows = batches.reduce((n, b) => n + b.rows, 0)
  const valid = batches.reduce((n, b) => n + b.rows - b.invalid, 0)
  expect(counts[`${p}batches`]).toBe(ITERATIONS)
  expect(counts[`${p}staging`]).toBe(rows)
  expect(counts[`${p}facts`]).toBe(valid)
  expect(counts[`${p}rejects`]).toBe(complexity === 'simple' ? 0 : rows - valid)
  expect(counts[`${p}daily`]).toBeGreaterThan(0)
  expect(counts[`${p}top_accounts`]).toBe(complexity === 'complex' ? ITERATIONS * Number(wf.describe().parameters.topN) : 0)
  expect(counts[`${p}products`]).toBe(wf.describe().sizes.referenceRows)
  return valid
}

function checkAnalytics(wf: GeneratedWorkflow, counts: Record<string, number>, cached: 'redis' | 'table'): number {
  const p = wf.describe().prefix
  const distinct = new Set(iterations.map((i) => (wf.input(i) as AnQuery).id)).size
  expect(counts[`${p}reports`]).toBe(ITERATIONS)
  expect(counts[`${p}orders`]).toBe(wf.describe().sizes.referenceRows)
  expect(counts[`${p}report_cache`]).toBe(cached === 'table' ? distinct : 0)
  return distinct
}

function checkTransformation(wf: GeneratedWorkflow, counts: Record<string, number>, complexity: WorkflowComplexity): void {
  const d = wf.describe()
  const p = d.prefix
  const kept = iterations.reduce((n, i) => n + trFilter(d.parameters as unknown as TrParameters, wf.input(i) as TrRecord[]).length, 0)
  expect(counts[`${p}runs`]).toBe(ITERATIONS)
  expect(counts[`${p}items`]).toBe(kept)
  expect(counts[`${p}groups`]).toBeGreaterThanOrEqual(ITERATIONS)
  expect(counts[`${p}rollup`]).toBeLessThanOrEqual(d.sizes.categories * d.sizes.stripes)
  expect(counts[`${p}lineage`]).toBe(complexity === 'simple' ? 0 : ITERATIONS * 3)
  expect(counts[`${p}tier_top`] > 0).toBe(complexity === 'complex')
}

async function withoutCache(wf: GeneratedWorkflow, run: RunFn): Promise<void> {
  try {
    const { counts } = await exercise(wf, run)
    const { kind, complexity } = wf.describe()
    if (kind === 'data-processing') checkDataProcessing(wf, counts, complexity)
    else if (kind === 'analytics') checkAnalytics(wf, counts, 'table')
    else checkTransformation(wf, counts, complexity)
  } finally {
    await wf.teardown()
  }
}

for (const [kind, complexity] of CASES) {
  perfTest(`${kind} ${complexity} on PostgreSQL with Redis`, async ({ postgres, redis, run }) => {
    const wf = await workflows.generate({ kind, complexity, seed: 11, target: { postgres, redis }, poolSize: 4 })
    const keys = new Redis(redis.options)
    try {
      const { result, counts } = await exercise(wf, run)
      const p = wf.describe().prefix
      if (kind === 'data-processing') {
        const valid = checkDataProcessing(wf, counts, complexity)
        expect(Number(await keys.get(`${p}rows:valid`))).toBe(valid)
        expect(await keys.hget(`${p}batch:1`, 'status')).toBe('stored')
        expect(result.metrics.workflow_rows).toMatchObject({ type: 'counter', count: ITERATIONS * wf.describe().sizes.rows })
      } else if (kind === 'analytics') {
        const distinct = checkAnalytics(wf, counts, 'redis')
        expect(await keys.keys(`${redis.keyPrefix}${p}report:*`)).toHaveLength(distinct)
        expect(result.metrics.workflow_cache_hit).toMatchObject({ type: 'rate', total: ITERATIONS })
      } else {
        checkTransformation(wf, counts, complexity)
        // Intermediate group state is removed once the rollup has read it.
        expect(await keys.keys(`${redis.keyPrefix}${p}run:*`)).toEqual([])
      }
    } finally {
      keys.disconnect()
      await wf.teardown()
    }
  })

  perfTest(`${kind} ${complexity} on MariaDB`, async ({ mysql, run }) => {
    await withoutCache(await workflows.generate({ kind, complexity, seed: 11, target: { mysql }, poolSize: 4 }), run)
  })

  perfTest(`${kind} ${complexity} on MongoDB`, async ({ mongodb, run }) => {
    await withoutCache(await workflows.generate({ kind, complexity, seed: 11, target: { mongodb }, poolSize: 4 }), run)
  })
}
