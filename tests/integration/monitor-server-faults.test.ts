import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from '../../src/runtime/perf-test.ts'

// The monitor's own statistics session sits on the test's database: a fault that kills the
// database's sessions kills it too. That must neither surface as an uncaught error (Vitest would
// fail the run) nor end the statistics: the next sample connects again.
perfTest('the monitor survives its session being killed and keeps sampling the server', async ({ postgres, faults, run }) => {
  const pool = new pg.Pool({ ...postgres.options, max: 4 })
  pool.on('error', () => {})
  try {
    const result = await run(
      { executor: 'constant-arrival-rate', rate: 50, duration: '4s', maxVUs: 10 },
      async () => {
        await pool.query('select 1')
      },
      { faults: [{ at: '1500ms', duration: '200ms', fault: faults.killConnections(postgres) }] },
    )
    const stats = result.resources.map((s) => s.servers?.postgres?.stats?.connections)
    expect(stats.length).toBeGreaterThanOrEqual(3)
    // Sampled before the kill, and again after it (a new session).
    expect(stats[0]).toBeGreaterThan(0)
    expect(stats.at(-1)).toBeGreaterThan(0)
  } finally {
    await pool.end()
  }
})
