import pg from 'pg'
import { expect } from 'vitest'
import { perfTest, runAB, type IterationContext } from 'vitest-perf'

// Regression detection. The examples project configures no baselines folder of its own, and a
// committed baseline file would sit outside this folder, so this compares the two versions in one
// run with runAB(): the same load on both, repetitions interleaved (reference, candidate,
// candidate, reference, …) so the machine's drift falls on both alike, judged with the same
// statistics as toMatchBaseline() (medians of the repetitions, Mann–Whitney U at alpha 0.01,
// bootstrap interval for the severity).
//
// What is compared: the runtime's dispatch lookup. Before it starts workflow K, the runtime reads
// K's latest run (to resume it or to skip a duplicate). The released schema has an index on
// (workflow_key, started_at); the candidate is the same schema after a migration that lost it.

// 6 repetitions a side: with 5 against 5, two repetitions with the same p50 (HDR percentiles are
// quantized, so this is common) send the rank test to its normal approximation, whose p for two
// sides that do not even overlap is 0.012, above alpha 0.01: a 30-fold p50 came out INCONCLUSIVE.
const REPEAT = 6
const RUNS = 100_000
const KEYS = 2_000

async function createRuns(pool: pg.Pool, table: string, indexed: boolean): Promise<void> {
  await pool.query(
    `create table ${table} (id bigserial primary key, workflow_key text not null, status text not null, started_at timestamptz not null)`,
  )
  await pool.query(
    `insert into ${table} (workflow_key, status, started_at)
     select 'wf-' || (i % ${KEYS}), (array['done', 'done', 'done', 'failed'])[1 + i % 4], now() - make_interval(secs => i)
     from generate_series(1, ${RUNS}) as i`,
  )
  if (indexed) await pool.query(`create index on ${table} (workflow_key, started_at desc)`)
  await pool.query(`analyze ${table}`)
}

const lookup = (pool: pg.Pool, table: string) => async (ctx: IterationContext) => {
  const key = `wf-${(ctx.iteration * 7919) % KEYS}`
  const { rows } = await pool.query({
    name: `last-run-${table}`,
    text: `select status from ${table} where workflow_key = $1 order by started_at desc limit 1`,
    values: [key],
  })
  if (rows.length !== 1) throw new Error(`no run of ${key}`)
}

perfTest('regression: the dispatch lookup without its index is a critical regression', async ({ postgres }) => {
  const pool = new pg.Pool({ ...postgres.options, max: 4 })
  try {
    await createRuns(pool, 'runs_released', true)
    await createRuns(pool, 'runs_candidate', false)
    const load = { executor: 'per-vu-iterations', vus: 2, iterations: 30 } as const

    // The released version against itself: no regression that matters (on a busy 2-core machine
    // a 5 % tail wobble can come out as a minor one; a critical one would be a false alarm).
    const same = await runAB(
      { ...load, name: 'dispatch lookup A/A' },
      { reference: lookup(pool, 'runs_released'), candidate: lookup(pool, 'runs_released') },
      { repeat: REPEAT },
    )
    expect(
      same.comparison.verdict === 'REGRESSION' && same.comparison.severity === 'critical',
      JSON.stringify(same.comparison.metrics),
    ).toBe(false)

    // The lost index: every lookup scans the whole table. Caught, and as critical (≥ 25 % worse
    // at the near end of the 95 % interval), on latency and on throughput.
    const ab = await runAB(
      { ...load, name: 'dispatch lookup A/B' },
      { reference: lookup(pool, 'runs_released'), candidate: lookup(pool, 'runs_candidate') },
      { repeat: REPEAT },
    )
    expect(ab.comparison.verdict).toBe('REGRESSION')
    expect(ab.comparison.severity).toBe('critical')
    const p50 = ab.comparison.metrics.find((m) => m.metric === 'latency.p50')!
    expect(p50).toMatchObject({ verdict: 'REGRESSION', severity: 'critical' })
    expect(ab.comparison.metrics.find((m) => m.metric === 'throughput')).toMatchObject({ verdict: 'REGRESSION', severity: 'critical' })
  } finally {
    await pool.end()
  }
})
