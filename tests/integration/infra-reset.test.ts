import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'

perfTest('postgres reset() without a snapshot fails clearly and keeps the data', async ({ postgres }) => {
  const c = new pg.Client({ connectionString: postgres.url })
  await c.connect()
  await c.query('create table kept (id int)')
  await c.end()
  await expect(postgres.reset()).rejects.toMatchObject({
    code: 'PERF_INFRA_RESET_UNSUPPORTED',
    message: expect.stringMatching(/needs a postgres\.snapshot\(\) first/),
  })
  const again = new pg.Client({ connectionString: postgres.url })
  await again.connect()
  expect((await again.query("select to_regclass('kept') as t")).rows[0].t).toBe('kept')
  await again.end()
})

perfTest('mysql snapshot() and reset() return the tables to the seeded rows', async ({ mysql: db }) => {
  const conn = () => mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database })
  let c = await conn()
  await c.query('create table stock (sku varchar(8) primary key, qty int)')
  await c.query("insert into stock values ('a', 5), ('b', 7)")
  await c.end()
  await db.snapshot()
  c = await conn()
  await c.query("update stock set qty = 0 where sku = 'a'")
  await c.query("insert into stock values ('c', 1)")
  await c.end()
  await db.reset()
  c = await conn()
  const [rows] = await c.query('select sku, qty from stock order by sku')
  await c.end()
  expect(rows).toEqual([
    { sku: 'a', qty: 5 },
    { sku: 'b', qty: 7 },
  ])
})

perfTest('redis snapshot() and reset() restore keys and their TTLs, and remove new ones', async ({ redis }) => {
  const r = new Redis(redis.url, { keyPrefix: redis.keyPrefix })
  await r.set('session', 'alice', 'EX', 600)
  await r.set('counter', '1')
  await redis.snapshot()
  await r.incr('counter')
  await r.del('session')
  await r.set('extra', 'x')
  await redis.reset()
  expect(await r.get('counter')).toBe('1')
  expect(await r.get('session')).toBe('alice')
  expect(await r.ttl('session')).toBeGreaterThan(500)
  expect(await r.exists('extra')).toBe(0)
  r.disconnect()
})
