import pg from 'pg'
import { expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { ERROR_RATE } from './kpi.ts'
import { startRuntime } from './runtime.ts'

// End to end: from the load to the rows. 600 workflows through the runtime, 100 at a time, then
// the database is checked against the plan: the mix is seeded, so which iteration ran which
// workflow type is known, and each type's run table must hold exactly those iterations, each
// completed (data processing: batch 'stored'; analytics: a report row; transformation: run 'done').

const WORKFLOWS = 600

perfTest('e2e: every workflow the runtime ran left its completed run in the database', async ({ postgres, run }) => {
  await using runtime = await startRuntime(postgres)
  const result = await run(
    { executor: 'shared-iterations', vus: 100, iterations: WORKFLOWS, thresholds: { errors: [`rate<${ERROR_RATE.normal}`] } },
    runtime.run,
  )
  expectPerformance(result).toMeet({ errors: ['count==0'], iterations: [`count==${WORKFLOWS}`] })
  expect(result.infra).toEqual([expect.objectContaining({ service: 'postgres', provider: postgres.provider })])

  const planned: number[][] = [[], [], []]
  for (let i = 0; i < WORKFLOWS; i++) planned[runtime.mix.pick(i)].push(i)
  const [dp, an, tr] = runtime.mix.describe().map((d) => d.prefix)
  const client = new pg.Client(postgres.options)
  await client.connect()
  try {
    const iterations = async (sql: string) => (await client.query<{ iteration: number }>(sql)).rows.map((r) => r.iteration)
    expect(await iterations(`select iteration from ${dp}batches where status = 'stored' order by iteration`)).toEqual(planned[0])
    expect(await iterations(`select iteration from ${an}reports order by iteration`)).toEqual(planned[1])
    expect(await iterations(`select iteration from ${tr}runs where status = 'done' order by iteration`)).toEqual(planned[2])
  } finally {
    await client.end()
  }
})
