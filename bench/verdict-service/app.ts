// The catalogue service (service.ts) as a child process, so its CPU is not the load generator's:
// what bench:verdict:service and bench:placement's child placement load; it also tells its parent
// how fast the work knobs run here. Environment:
// APP_PG_URL, APP_REDIS_URL, APP_REDIS_PREFIX, and APP_PORT (default: a free port). Started with
// an IPC channel, it tells its parent the port once it listens and exits when the parent goes
// away; it always exits on SIGTERM.
import pg from 'pg'
import { hashRounds, startService } from './service.ts'

const started = startService(
  { pgUrl: process.env.APP_PG_URL!, redisUrl: process.env.APP_REDIS_URL!, redisPrefix: process.env.APP_REDIS_PREFIX! },
  Number(process.env.APP_PORT ?? 0),
)

async function stop(): Promise<void> {
  const service = await started.catch(() => undefined)
  await service?.close()
  process.exit(0)
}

process.on('disconnect', () => void stop())
process.on('SIGTERM', () => void stop())
/**
 * How fast each knob's work runs here, warm: bench:verdict:service's first guess for its
 * calibration. Hashing is timed in CPU time (a busy machine stretches its wall time, not its
 * work); the query in wall time, since PostgreSQL's CPU is not this process's.
 */
async function knobRates(): Promise<{ roundsPerMs: number; rowsPerMs: number }> {
  hashRounds(20_000)
  const rounds = 50_000
  const cpu = process.cpuUsage()
  hashRounds(rounds)
  const { user, system } = process.cpuUsage(cpu)
  const db = new pg.Client({ connectionString: process.env.APP_PG_URL })
  await db.connect()
  try {
    const query = (n: number) => db.query('select sum(hashint4(i)) from generate_series(1, $1::int) as i', [n])
    await query(50_000)
    const rows = 200_000
    const t0 = performance.now()
    await query(rows)
    return { roundsPerMs: rounds / ((user + system) / 1000), rowsPerMs: rows / (performance.now() - t0) }
  } finally {
    await db.end()
  }
}

const service = await started
try {
  process.send?.({ port: service.port, ...(await knobRates()) })
} catch (e) {
  console.error(`the service could not time its knobs: ${(e as Error).message}`)
  process.exit(1)
}
