import pg from 'pg'
import { expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { startRuntime } from './runtime.ts'
import { wallClock } from './wall-clock.ts'

// Database connection exhaustion, with recovery. The runtime opens a session of its own for
// every workflow run, as LocalRuntime-style engines do for the run record (claim the run, run
// the steps on the shared pool, mark it done). 4 s into an 11 s run another client takes every
// free connection of the server for 3 s: new sessions are refused (53300 too_many_connections)
// while the pooled connections go on. The runtime must fail those workflows fast (no pile-up of
// waiting workflows), fail nothing outside the fault, and be back to its pre-fault error rate
// and p95 (× 2) within 3 s of the connections coming back.

perfTest('connection exhaustion: workflows fail fast, then the runtime recovers', async ({ postgres, faults, run }) => {
  await using runtime = await startRuntime(postgres)
  const admin = new pg.Client(postgres.options)
  await admin.connect()
  await admin.query('create table if not exists wf_runs (id bigserial primary key, vu int not null, started_at timestamptz not null default now(), finished_at timestamptz)')
  await admin.end()

  const result = await run(
    {
      executor: 'constant-arrival-rate',
      rate: 40,
      duration: wallClock(11),
      maxVUs: 200,
      // Failing fast: a refused session never waits for connectionTimeoutMillis (2 s), so no
      // workflow is late enough to leave the open model without a free VU.
      thresholds: { latency: ['p(99)<2s'], dropped: ['count==0'] },
    },
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
      faults: [{ at: wallClock(4), duration: wallClock(3), fault: faults.connectionExhaustion(postgres) }],
      recovery: { errorRate: 0.01, p95Factor: 2 },
    },
  )

  const [impact] = result.faults!
  const seconds = JSON.stringify(result.timeline.map(({ t, iterations, errors, p95, faults }) => ({ t, iterations, errors, p95: Math.round(p95), fault: !!faults })))
  expect(impact.error).toBeUndefined()
  // The fault bit: once the server was full (opening ~100 connections takes a moment on a busy
  // machine) every session was refused, a third or more of the window's workflows failed, and
  // for that reason only.
  expect(result.timeline.some((p) => p.faults && p.iterations > 0 && p.errors === p.iterations), seconds).toBe(true)
  expect(impact.errors, `${JSON.stringify(impact)}\n${seconds}`).toBeGreaterThan(impact.iterations / 3)
  expect(Object.keys(result.errors.byKind)).toEqual(['53300 too_many_connections'])
  // The monitor saw the server at its connection limit (max_connections, 100 by default).
  const connections = result.resources.map((s) => s.servers?.postgres?.stats?.connections ?? 0)
  expect(Math.max(...connections), `connections per second: ${connections}`).toBeGreaterThanOrEqual(90)
  // No error before the fault or after it: every failure is in a second the fault overlapped.
  expect(impact.before.errorRate).toBe(0)
  expect(result.timeline.filter((p) => !p.faults).reduce((n, p) => n + p.errors, 0), seconds).toBe(0)
  expectPerformance(result).toRecoverWithin('3s')
})
