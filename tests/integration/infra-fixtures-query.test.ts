import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'

// Whichever provider the chain picked (VITEST_PERF_*_URL, testcontainers, local, embedded),
// the fixture is a real server answering real queries in a database of this file's own.
perfTest('postgres fixture runs a real query', async ({ postgres }) => {
  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  try {
    const { rows } = await client.query('select current_database() as db, 40 + 2 as answer')
    expect(rows[0]).toEqual({ db: postgres.database, answer: 42 })
    expect(postgres.database).toMatch(/^vp_/)
    expect(postgres.version).toMatch(/^\d+/)
    expect(['url', 'testcontainers', 'local', 'embedded']).toContain(postgres.provider)
  } finally {
    await client.end()
  }
})

perfTest('mysql fixture runs a real query on MariaDB/MySQL', async ({ mysql: db }) => {
  const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database })
  try {
    const [rows] = await conn.query('select database() as db, 40 + 2 as answer')
    expect(rows).toEqual([{ db: db.database, answer: 42 }])
  } finally {
    await conn.end()
  }
})

perfTest('redis fixture runs a real command in its own db and prefix', async ({ redis }) => {
  const client = new Redis(redis.url, { keyPrefix: redis.keyPrefix })
  try {
    await client.set('answer', '42')
    expect(await client.get('answer')).toBe('42')
    expect(redis.keyPrefix).toMatch(/^vp:/)
  } finally {
    client.disconnect()
  }
})

perfTest('postgres snapshot() and reset() return to the seeded state', async ({ postgres }) => {
  const connect = async () => {
    const c = new pg.Client({ connectionString: postgres.url })
    await c.connect()
    return c
  }
  let c = await connect()
  await c.query('create table orders (id int primary key)')
  await c.query('insert into orders select generate_series(1, 10)')
  await c.end()
  await postgres.snapshot()
  c = await connect()
  await c.query('delete from orders where id > 3')
  expect((await c.query('select count(*)::int as n from orders')).rows[0].n).toBe(3)
  await c.end()
  await postgres.reset()
  c = await connect()
  expect((await c.query('select count(*)::int as n from orders')).rows[0].n).toBe(10)
  await c.end()
})

perfTest('a load against the postgres fixture records the server it ran on', async ({ postgres, run }) => {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 8 })
  try {
    // Connections opened before the run: on a busy machine the first arrivals would otherwise wait
    // for them and some be dropped, which is not what this test is about.
    await Promise.all(Array.from({ length: 8 }, () => pool.query('select 1')))
    const result = await run({ executor: 'constant-arrival-rate', rate: 200, duration: '1s', maxVUs: 16 }, async () => {
      await pool.query('select 1')
    })
    expect(result.failed).toBe(0)
    expect(result.iterations + result.dropped).toBe(200)
    expect(result.infra).toEqual([
      expect.objectContaining({
        service: 'postgres',
        provider: postgres.provider,
        version: postgres.version,
        tuning: postgres.tuning,
        port: postgres.port,
      }),
    ])
    if (postgres.provider !== 'url') expect(postgres.tuning).toBe('fast')
  } finally {
    await pool.end()
  }
})

perfTest('the monitor samples the test process and the database server during a run', async ({ postgres, run }) => {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 })
  try {
    const result = await run({ executor: 'constant-vus', vus: 4, duration: '2500ms' }, async () => {
      await pool.query('select pg_sleep(0.002)')
    })
    expect(result.resources.length).toBeGreaterThanOrEqual(2)
    const s = result.resources[1]
    expect(s.rss).toBeGreaterThan(10 * 2 ** 20)
    expect(s.heapUsed).toBeGreaterThan(0)
    expect(s.cpu).toBeGreaterThan(0)
    expect(s.eventLoop.p99).toBeGreaterThan(0)
    expect(Object.keys(s.handles).length).toBeGreaterThan(0)
    // Server side: the pool's 4 connections (+ the monitor's own) show in pg_stat_activity.
    expect(s.servers?.postgres?.stats?.connections).toBeGreaterThanOrEqual(4)
    // Local and embedded servers by pid, Testcontainers ones through the Docker API.
    if (postgres.pid || postgres.containerId) expect(s.servers?.postgres?.rss).toBeGreaterThan(0)
    // Its CPU includes the backends doing the queries, not only the idle postmaster.
    if (postgres.pid || postgres.containerId)
      expect(Math.max(...result.resources.map((r) => r.servers?.postgres?.cpu ?? 0))).toBeGreaterThan(1)
    expect(result.timeline[1].rss).toBeGreaterThan(0)
  } finally {
    await pool.end()
  }
})

perfTest('ready-made client options connect each client to the file’s own database', async ({ postgres, mysql: db, redis }) => {
  const pool = new pg.Pool({ ...postgres.options, max: 2 })
  expect((await pool.query('select current_database() as d')).rows[0].d).toBe(postgres.database)
  await pool.end()
  const conn = await mysql.createConnection(db.options)
  const [rows] = await conn.query('select database() as d')
  expect(rows).toEqual([{ d: db.database }])
  await conn.end()
  const r = new Redis(redis.options)
  await r.set('k', 'v')
  const raw = new Redis({ host: redis.host, port: redis.port, password: redis.password, db: redis.db })
  expect(await raw.get(`${redis.keyPrefix}k`)).toBe('v')
  r.disconnect()
  raw.disconnect()
})
