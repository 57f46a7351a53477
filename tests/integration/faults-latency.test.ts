import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { startProxy } from '../../src/faults/proxy.ts'

// Bounds are generous on purpose: the CI box is a noisy 2-core machine. Lower bounds are tight
// (a toxic never delays less than asked), upper bounds allow for scheduling noise.
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

async function timesOf(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push(await timed(fn))
  return times.sort((a, b) => a - b)
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)]

perfTest('latency: a pg query through the proxy takes at least the latency more than direct', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const direct = new pg.Client({ connectionString: postgres.url })
  const proxied = new pg.Client({ connectionString: proxy.url() })
  await Promise.all([direct.connect(), proxied.connect()])
  try {
    const base = median(await timesOf(5, () => direct.query('select 1')))
    const clean = median(await timesOf(5, () => proxied.query('select 1')))
    proxy.addToxic({ type: 'latency', attributes: { latency: 100 } })
    const slow = await timesOf(5, () => proxied.query('select 1'))
    expect(slow[0]).toBeGreaterThanOrEqual(100)
    expect(median(slow) - base).toBeGreaterThanOrEqual(98)
    expect(median(slow) - base).toBeLessThan(100 + 250)
    expect(clean - base).toBeLessThan(20)
  } finally {
    await Promise.all([direct.end(), proxied.end()])
  }
})

perfTest('latency with jitter, upstream: mysql2 queries are delayed by latency ± jitter', async ({ mysql: db }) => {
  await using proxy = await startProxy({ upstream: db })
  const connect = (port: number) =>
    mysql.createConnection({ host: '127.0.0.1', port, user: db.user, password: db.password, database: db.database })
  const direct = await connect(db.port)
  const proxied = await connect(proxy.port)
  try {
    const base = median(await timesOf(5, () => direct.query('select 1')))
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 60, jitter: 40 } })
    const times = await timesOf(15, () => proxied.query('select 1'))
    expect(times[0]).toBeGreaterThanOrEqual(20)
    expect(times.at(-1)! - base).toBeLessThan(100 + 250)
    // Uniform over 20…100 ms: 15 draws spread far wider than the few ms of noise without jitter.
    expect(times.at(-1)! - times[0]).toBeGreaterThan(15)
  } finally {
    await Promise.all([direct.end(), proxied.end()])
  }
})

perfTest('toxicity: a latency toxic with toxicity 0.5 slows about half of the redis connections', async ({ redis }) => {
  await using proxy = await startProxy({ upstream: redis })
  proxy.addToxic({ type: 'latency', toxicity: 0.5, attributes: { latency: 150 } })
  const clients = Array.from({ length: 24 }, () => new Redis(proxy.url(), { lazyConnect: true, maxRetriesPerRequest: 0 }))
  try {
    await Promise.all(clients.map((c) => c.connect()))
    const times = await Promise.all(clients.map((c) => timed(() => c.ping())))
    const slow = times.filter((t) => t >= 150).length
    const fast = times.filter((t) => t < 100).length
    // Binomial(24, 0.5): outside 3…21 once in about 30 000 runs.
    expect(slow).toBeGreaterThanOrEqual(3)
    expect(fast).toBeGreaterThanOrEqual(3)
    expect(slow + fast).toBe(24)
    // Drawn once per connection: the same connections stay slow.
    const again = await Promise.all(clients.map((c) => timed(() => c.ping())))
    expect(again.map((t) => t >= 150)).toEqual(times.map((t) => t >= 150))
  } finally {
    for (const c of clients) c.disconnect()
  }
})

perfTest('postgres.through(proxy) routes the fixture’s url and client options through the proxy', async ({ postgres, faults }) => {
  const proxy = await faults.startProxy({ upstream: postgres })
  try {
    const routed = postgres.through(proxy)
    expect(routed.port).toBe(proxy.port)
    expect(routed.database).toBe(postgres.database)
    proxy.addToxic({ type: 'latency', attributes: { latency: 150 } })
    const c = new pg.Client(routed.options)
    await c.connect()
    const t0 = performance.now()
    const { rows } = await c.query('select current_database() as d')
    expect(performance.now() - t0).toBeGreaterThan(140)
    expect(rows[0].d).toBe(postgres.database)
    await c.end()
  } finally {
    await proxy.close()
  }
})
