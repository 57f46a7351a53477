import pg from 'pg'
import { expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { startRuntime } from './runtime.ts'
import { wallClock } from './wall-clock.ts'

// Database connection exhaustion, with recovery. The runtime opens a session of its own for
// every workflow run, as LocalRuntime-style engines do for the run record (claim the run, run
// the steps on the shared pool, mark it done). 4 s into an 18 s run another client takes every
// free connection of the server for 8 s (opening ~100 connections takes it seconds on a busy
// machine): new sessions are refused (53300 too_many_connections) while the pooled connections
// go on. The runtime must fail those workflows at once rather than wait for a session, fail
// nothing before the fault or once it has recovered, and be back to its pre-fault error rate and
// p95 (× 3) within 5 s of the connections coming back.
//
// A closed model (8 clients, each starting its next workflow 200 ms after the last one ended), and
// every timing judged against the same run's seconds before the fault: how fast a session opens
// depends on the machine and its neighbours, how the runtime behaves while none can open does
// not. An arrival rate would instead measure whether the machine keeps up with it: on a shared
// 2-core machine opening a session per workflow can fall behind 20/s, and the backlog, not the
// fault, then sets every figure.

perfTest('connection exhaustion: workflows fail fast, then the runtime recovers', async ({ postgres, faults, run }) => {
  await using runtime = await startRuntime(postgres)
  const admin = new pg.Client(postgres.options)
  await admin.connect()
  await admin.query(
    'create table if not exists wf_runs (id bigserial primary key, vu int not null, started_at timestamptz not null default now(), finished_at timestamptz)',
  )
  await admin.end()

  const result = await run(
    { executor: 'fixed-interval', vus: 8, interval: '200ms', duration: wallClock(18) },
    async (ctx) => {
      const session = new pg.Client({ ...postgres.options, connectionTimeoutMillis: 2000 })
      session.on('error', () => {})
      try {
        await ctx.time('session', () => session.connect())
        const { rows } = await session.query('insert into wf_runs (vu) values ($1) returning id', [ctx.vu])
        await runtime.run(ctx)
        await session.query('update wf_runs set finished_at = now() where id = $1', [rows[0].id])
      } finally {
        await session.end().catch(() => {})
      }
    },
    {
      faults: [{ at: wallClock(4), duration: wallClock(8), fault: faults.connectionExhaustion(postgres) }],
      recovery: { errorRate: 0.01, p95Factor: 3 },
    },
  )

  const [impact] = result.faults!
  const seconds = JSON.stringify(
    result.timeline.map(({ t, iterations, errors, p95, faults }) => ({ t, iterations, errors, p95: Math.round(p95), fault: !!faults })),
  )
  expect(impact.error).toBeUndefined()
  // The fault bit: once the server was full, nearly every session was refused (a slot that a
  // workflow frees goes to whichever asks first, the fault or the next workflow), and for that
  // reason only: no workflow waited out connectionTimeoutMillis for a session.
  expect(
    result.timeline.some((p) => p.faults && p.iterations > 0 && p.errors >= 0.9 * p.iterations),
    seconds,
  ).toBe(true)
  expect(Object.keys(result.errors.byKind)).toEqual(['53300 too_many_connections'])
  // The monitor saw the server at its connection limit (max_connections, 100 by default).
  const connections = result.resources.map((s) => s.servers?.postgres?.stats?.connections ?? 0)
  expect(Math.max(...connections), `connections per second: ${connections}`).toBeGreaterThanOrEqual(90)
  // Failing fast: during the fault, workflows (most of them refused) came back about as fast as
  // before it: the median second's p95 within 3× of the seconds before. A runtime that queued
  // for a session would wait up to its 2 s connection timeout there.
  const during = result.timeline.filter((p) => p.faults && p.iterations > 0).map((p) => p.p95)
  const typical = during.sort((a, b) => a - b)[Math.floor(during.length / 2)]
  expect(typical, seconds).toBeLessThan(3 * impact.before.p95)
  // Back to normal: no error before the fault, and none from the second it had recovered on.
  expect(impact.before.errorRate).toBe(0)
  expectPerformance(result).toRecoverWithin('5s')
  const recovered = impact.end + impact.recoveryMs! / 1000
  const after = result.timeline.filter((p) => p.t + p.ms / 1000 >= recovered)
  expect(
    after.reduce((n, p) => n + p.errors, 0),
    seconds,
  ).toBe(0)
})
