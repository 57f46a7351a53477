import { importOptional } from '../core/optional-package.ts'
import { PerfFaultError } from './proxy-errors.ts'
import type { ServiceFixture } from '../infra/types.ts'
import type { Fault } from './fault.ts'

type Closeable = { end(): Promise<void> }

async function pgClient(url: string) {
  const { default: pg } = await importOptional<typeof import('pg')>('pg', 'a database fault on postgres')
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  c.on('error', () => {})
  await c.connect()
  return c
}

async function mysqlConn(url: string) {
  const mysql = await importOptional<typeof import('mysql2/promise')>('mysql2/promise', 'a database fault on mysql')
  const c = await mysql.createConnection({ uri: url, connectTimeout: 5000 })
  c.on('error', () => {})
  return c
}

function unsupported(fault: string, service: string): never {
  throw new PerfFaultError('PERF_FAULT_UNSUPPORTED', `${fault} is not available for ${service}; it works on postgres and mysql`)
}

async function closeAll(list: Held[]): Promise<void> {
  await Promise.all(list.map((h) => h.conn.end().catch(() => {})))
  list.length = 0
}

/** A connection and the id its server knows it by (PostgreSQL backend pid, MySQL thread id). */
type Held =
  | { service: 'postgres'; conn: Awaited<ReturnType<typeof pgClient>>; id: number }
  | { service: 'mysql'; conn: Awaited<ReturnType<typeof mysqlConn>>; id: number }

/** Opens a connection to a postgres or mysql fixture (callers check the service first). */
async function openHeld(db: ServiceFixture): Promise<Held> {
  if (db.service === 'postgres') {
    const conn = await pgClient(db.url)
    return { service: 'postgres', conn, id: (conn as unknown as { processID: number }).processID }
  }
  const conn = await mysqlConn(db.url)
  return { service: 'mysql', conn, id: conn.threadId }
}

/** Connection slots the server has left, counted on `h`. */
async function freeSlots(h: Held): Promise<number> {
  if (h.service === 'postgres') {
    const max = Number((await h.conn.query('show max_connections')).rows[0].max_connections)
    const used = Number(
      (await h.conn.query('select count(*)::int as n from pg_stat_activity where backend_type = $1', ['client backend'])).rows[0].n,
    )
    return max - used
  }
  const [[max]] = (await h.conn.query('select @@max_connections as n')) as unknown as [[{ n: number }]]
  const [[used]] = (await h.conn.query(
    "select variable_value as n from information_schema.global_status where variable_name = 'THREADS_CONNECTED'",
  )) as unknown as [[{ n: string }]]
  // A SUPER user may open one connection beyond the limit.
  return Number(max.n) - Number(used.n) + 1
}

/** How many of these server-side ids still have a backend (a closed connection's backend exits a little later). */
async function stillThere(h: Held, ids: number[]): Promise<number> {
  if (h.service === 'postgres') {
    return (await h.conn.query('select count(*)::int as n from pg_stat_activity where pid = any($1::int[])', [ids])).rows[0].n
  }
  const [[row]] = (await h.conn.query('select count(*) as n from information_schema.processlist where id in (?)', [ids])) as unknown as [
    [{ n: number }],
  ]
  return Number(row.n)
}

/**
 * Holds connections until the server's limit (or `connections` of them), so new connections fail
 * (PostgreSQL 53300 too_many_connections, MySQL ER_CON_COUNT_ERROR) while existing ones go on.
 */
export function connectionExhaustion(db: ServiceFixture, options: { connections?: number } = {}): Fault {
  const held: Held[] = []
  let grabber: NodeJS.Timeout | undefined
  let grab: Promise<unknown> | undefined
  return {
    name: `connection exhaustion (${db.service})`,
    async start() {
      if (db.service !== 'postgres' && db.service !== 'mysql') return unsupported('connectionExhaustion', db.service)
      const first = await openHeld(db)
      held.push(first)
      const free = await freeSlots(first)
      const want = Math.min(free, options.connections ?? free)
      for (let opened = 0; opened < want;) {
        const batch = Math.min(OPEN_AT_ONCE, want - opened)
        const results = await Promise.allSettled(Array.from({ length: batch }, () => openHeld(db)))
        for (const r of results) if (r.status === 'fulfilled') held.push(r.value)
        opened += batch
        if (results.every((r) => r.status === 'rejected')) break
      }
      if (options.connections !== undefined) return
      // The count above can be short: a backend that was exiting while we counted frees its slot
      // only now. Take slots one at a time until the server refuses one, so the line after
      // `await start()` meets a full server.
      for (let extra = 0; extra < CONFIRM_FULL_ATTEMPTS; extra++) {
        const c = await openHeld(db).catch(() => undefined)
        if (!c) break
        held.push(c)
      }
      // Connections the load held while we counted are released later, and a load's own short
      // connections race ours for the last slots: keep taking every slot that frees up, so the
      // server stays full for the whole fault (each refused attempt costs the server little).
      grabber = setInterval(() => {
        if (grab) return
        grab = openHeld(db)
          .then(
            (h) => {
              if (grabber === undefined) return h.conn.end().catch(() => {})
              held.push(h)
            },
            () => {},
          )
          .finally(() => (grab = undefined))
      }, 10)
    },
    async stop() {
      clearInterval(grabber)
      grabber = undefined
      await grab
      const ids = held.map((h) => h.id)
      await closeAll(held)
      // The server frees a slot only once the backend behind a closed connection has exited, and
      // backends exit one by one after their sockets close (later still through a container's port
      // proxy): resolve when every held backend is gone, so the server is as it was before start().
      await waitUntilReleased(db, ids)
    },
  }
}

const RELEASE_WITHIN_MS = 10_000
/**
 * Connections start() opens at once. Beside a load each login waits behind the load's, so batches
 * of 10 took ~10 × a slow login (over 4 s for 100 slots in a container on a busy 2-core machine).
 */
const OPEN_AT_ONCE = 50
/** How many slots beyond the counted free ones start() takes before it stops looking for a refusal. */
const CONFIRM_FULL_ATTEMPTS = 50

async function waitUntilReleased(db: ServiceFixture, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  const deadline = performance.now() + RELEASE_WITHIN_MS
  let checker: Held | undefined
  try {
    for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
      let why: string
      try {
        checker ??= await openHeld(db)
        const left = await stillThere(checker, ids)
        if (left === 0) return
        why = `${left} of the ${ids.length} held connections still have a server process`
      } catch (e) {
        why = (e as Error).message
      }
      if (performance.now() >= deadline) {
        throw new PerfFaultError(
          'PERF_FAULT_NOT_RECOVERED',
          `connectionExhaustion(${db.service}).stop(): the server has not released the held connections ${RELEASE_WITHIN_MS / 1000} s after they were closed (${why}); check for other clients holding connections`,
        )
      }
      await new Promise((r) => setTimeout(r, wait))
    }
  } finally {
    await checker?.conn.end().catch(() => {})
  }
}

/** Holds an exclusive lock on `table` in an open transaction: writers (and for PostgreSQL, readers) wait. */
export function lockTable(db: ServiceFixture, table: string): Fault {
  let conn: Closeable | undefined
  let release: (() => Promise<unknown>) | undefined
  return {
    name: `lock ${table} (${db.service})`,
    async start() {
      if (db.service === 'postgres') {
        const c = await pgClient(db.url)
        conn = c
        await c.query('begin')
        await c.query(`lock table "${table.replaceAll('"', '""')}" in access exclusive mode`)
        release = () => c.query('rollback')
      } else if (db.service === 'mysql') {
        const c = await mysqlConn(db.url)
        conn = c
        await c.query(`lock tables \`${table.replaceAll('`', '``')}\` write`)
        release = () => c.query('unlock tables')
      } else unsupported('lockTable', db.service)
    },
    async stop() {
      await release?.().catch(() => {})
      await conn?.end().catch(() => {})
      conn = release = undefined
    },
  }
}

/** Statements longer than `ms` are cancelled (new sessions of this database; MariaDB: server-wide). */
export function statementTimeout(db: ServiceFixture, ms: number): Fault {
  const quoted = `"${db.database.replaceAll('"', '""')}"`
  return {
    name: `statement timeout ${ms}ms (${db.service})`,
    async start() {
      if (db.service === 'postgres') {
        const c = await pgClient(db.url)
        await c.query(`alter database ${quoted} set statement_timeout = ${Math.round(ms)}`).finally(() => c.end())
      } else if (db.service === 'mysql') {
        const c = await mysqlConn(db.url)
        await c.query(`set global max_statement_time = ${ms / 1000}`).finally(() => c.end())
      } else unsupported('statementTimeout', db.service)
    },
    async stop() {
      if (db.service === 'postgres') {
        const c = await pgClient(db.url)
        await c.query(`alter database ${quoted} reset statement_timeout`).finally(() => c.end())
      } else if (db.service === 'mysql') {
        const c = await mysqlConn(db.url)
        await c.query('set global max_statement_time = 0').finally(() => c.end())
      }
    },
  }
}

/** Restarts the database server once (local provider): an outage of about a second for every client. */
export function restartServer(db: { service: string; restart(): Promise<void> }): Fault {
  return {
    name: `restart ${db.service}`,
    start: () => db.restart(),
    async stop() {},
  }
}

/** Freezes the server for the fault's duration (local process or container): requests hang, then resume. */
export function pauseServer(db: { service: string; pause(): Promise<void>; unpause(): Promise<void> }): Fault {
  let paused = false
  return {
    name: `pause ${db.service}`,
    async start() {
      await db.pause()
      paused = true
    },
    async stop() {
      if (paused) await db.unpause()
      paused = false
    },
  }
}

/** Disconnects every client of this file's database once (pg_terminate_backend, KILL, CLIENT KILL). */
export function killConnections(db: ServiceFixture): Fault {
  return {
    name: `kill connections (${db.service})`,
    async start() {
      if (db.service === 'postgres') {
        const c = await pgClient(db.url)
        await c
          .query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [db.database])
          .finally(() => c.end())
      } else if (db.service === 'mysql') {
        const c = await mysqlConn(db.url)
        try {
          const [rows] = await c.query('select id from information_schema.processlist where db = ? and id <> connection_id()', [
            db.database,
          ])
          for (const { id } of rows as { id: number }[]) await c.query(`kill ${Number(id)}`).catch(() => {})
        } finally {
          await c.end()
        }
      } else if (db.service === 'redis') {
        const { Redis } = await import('ioredis')
        const c = new Redis(db.url, { maxRetriesPerRequest: 1 })
        try {
          const list = String(await c.client('LIST'))
          const me = await c.client('ID')
          for (const line of list.split('\n')) {
            const id = /id=(\d+)/.exec(line)?.[1]
            const dbIndex = /db=(\d+)/.exec(line)?.[1]
            if (id && Number(id) !== Number(me) && Number(dbIndex) === db.db) await c.client('KILL', 'ID', id).catch(() => {})
          }
        } finally {
          c.disconnect()
        }
      } else unsupported('killConnections', db.service)
    },
    async stop() {},
  }
}
