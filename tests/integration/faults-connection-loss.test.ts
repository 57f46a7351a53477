import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { startProxy } from '../../src/faults/proxy.ts'

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

const failure = (p: Promise<unknown>) =>
  p.then(
    (): NodeJS.ErrnoException => new Error('expected a failure'),
    (e: NodeJS.ErrnoException) => e,
  )

async function pgClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url })
  // Lost connections also surface as an 'error' event; the awaited query reports them here.
  c.on('error', () => {})
  await c.connect()
  return c
}

perfTest('reset_peer: the pg client gets ECONNRESET on its next query', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const c = await pgClient(proxy.url())
  expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
  proxy.addToxic({ type: 'reset_peer', stream: 'upstream' })
  const error = await failure(c.query('select 1'))
  expect(error.code).toBe('ECONNRESET')
})

perfTest('reset_peer with a timeout: redis sees ECONNRESET that long after the data', async ({ redis }) => {
  await using proxy = await startProxy({ upstream: redis })
  const client = new Redis(proxy.url(), { maxRetriesPerRequest: 0, retryStrategy: () => null })
  const errors: NodeJS.ErrnoException[] = []
  client.on('error', (e) => errors.push(e))
  try {
    await client.ping()
    proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 300 } })
    const { ms, value } = await timed(() => failure(client.ping()))
    expect(value.message).toMatch(/Connection is closed|ECONNRESET/)
    expect(errors.map((e) => e.code)).toContain('ECONNRESET')
    expect(ms).toBeGreaterThanOrEqual(299)
    expect(ms).toBeLessThan(300 + 700)
  } finally {
    client.disconnect()
  }
})

perfTest('timeout 0: the server answer never arrives, so the mysql2 query times out', async ({ mysql: db }) => {
  await using proxy = await startProxy({ upstream: db })
  const conn = await mysql.createConnection({
    host: proxy.host,
    port: proxy.port,
    user: db.user,
    password: db.password,
    database: db.database,
  })
  conn.on('error', () => {})
  try {
    expect(await conn.query('select 1 as one').then(([rows]) => rows)).toEqual([{ one: 1 }])
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } })
    const { ms, value } = await timed(() => failure(conn.query({ sql: 'select 1', timeout: 500 })))
    expect(value.code).toBe('PROTOCOL_SEQUENCE_TIMEOUT')
    expect(ms).toBeGreaterThanOrEqual(490)
  } finally {
    conn.destroy()
  }
})

perfTest('timeout with a value: the pg connection hangs, then is closed after that long', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const c = await pgClient(proxy.url())
  const t0 = performance.now()
  proxy.addToxic({ type: 'timeout', attributes: { timeout: 400 } })
  const error = await failure(c.query('select 1'))
  const ms = performance.now() - t0
  expect(error.message).toMatch(/Connection terminated unexpectedly/)
  expect(ms).toBeGreaterThanOrEqual(399)
  expect(ms).toBeLessThan(400 + 700)
})

perfTest('limit_data: the pg connection is closed after exactly that many bytes', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const c = await pgClient(proxy.url())
  const before = proxy.stats().bytes.downstream
  proxy.addToxic({ type: 'limit_data', attributes: { bytes: 1000 } })
  expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }])
  const error = await failure(c.query(`select repeat('x', 100000)`))
  expect(error.message).toMatch(/Connection terminated unexpectedly/)
  expect(proxy.stats().bytes.downstream - before).toBe(1000)
  await expect.poll(() => proxy.stats().connections.active).toBe(0)
})

perfTest('slow_close: closing a pg connection takes the delay longer than direct', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const direct = await pgClient(postgres.url)
  const proxied = await pgClient(proxy.url())
  const plain = await pgClient(proxy.url())
  proxy.addToxic({ type: 'slow_close', attributes: { delay: 400 } })
  // Data is not delayed, only the close.
  expect((await timed(() => proxied.query('select 1'))).ms).toBeLessThan(150)
  const directMs = (await timed(() => direct.end())).ms
  const slowMs = (await timed(() => proxied.end())).ms
  expect(directMs).toBeLessThan(150)
  expect(slowMs).toBeGreaterThanOrEqual(399)
  expect(slowMs).toBeLessThan(400 + 700)
  // Removing the toxic closes at once again.
  proxy.removeToxic('slow_close_downstream')
  expect((await timed(() => plain.end())).ms).toBeLessThan(150)
})

perfTest('down: open redis connections are closed and new ones refused until it is up again', async ({ redis }) => {
  await using proxy = await startProxy({ upstream: redis })
  const options = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null } as const
  const open = new Redis(proxy.url(), options)
  open.on('error', () => {})
  await open.connect()
  expect(await open.ping()).toBe('PONG')
  const closed = new Promise((resolve) => open.once('close', resolve))
  await proxy.setDown(true)
  await closed
  const late = new Redis(proxy.url(), options)
  const errors: NodeJS.ErrnoException[] = []
  late.on('error', (e) => errors.push(e))
  await failure(late.connect())
  expect(errors.map((e) => e.code)).toEqual(['ECONNREFUSED'])
  late.disconnect()
  await proxy.setDown(false)
  const again = new Redis(proxy.url(), options)
  await again.connect()
  expect(await again.ping()).toBe('PONG')
  again.disconnect()
  open.disconnect()
})

perfTest('down as a toxic: pg cannot connect while it is present, and can after removing it', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  {
    using _down = proxy.addToxic({ type: 'down' })
    const error = await failure(pgClient(proxy.url()))
    expect(error.code).toBe('ECONNREFUSED')
  }
  const c = await pgClient(proxy.url())
  expect((await c.query('select 2 as two')).rows).toEqual([{ two: 2 }])
  await c.end()
})
