import type { Connection } from 'mysql2/promise'
import type { Redis } from 'ioredis'
import { PerfInfraError } from '../core/errors.ts'
import { importOptional } from '../core/optional-package.ts'
import { postgresReset, postgresSnapshot } from './services/postgres.ts'
import type { RunningServer, ServiceFixture } from './types.ts'

/** Saved state per fixture database, for reset(). PostgreSQL keeps its own in a template database. */
const redisSnapshots = new Map<string, [string, Buffer, number][]>()

/** A Redis fixture owns its whole db index only on a server we started, and never db 0. */
const ownsDb = (server: RunningServer, f: ServiceFixture) =>
  server.provider !== 'url' && f.db !== undefined && f.db !== Number(server.database)

export function forgetSnapshot(f: ServiceFixture): void {
  redisSnapshots.delete(f.url + f.keyPrefix)
}

async function mysqlConn(f: ServiceFixture, server: RunningServer): Promise<Connection> {
  const mysql = await importOptional<typeof import('mysql2/promise')>('mysql2/promise', 'mysql.snapshot()')
  return mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: f.database,
    multipleStatements: false,
  })
}

async function copyTables(c: Connection, from: string, to: string): Promise<void> {
  const [rows] = await c.query(
    'select table_name as t from information_schema.tables where table_schema = ? and table_type = "BASE TABLE"',
    [from],
  )
  await c.query('set foreign_key_checks = 0')
  for (const { t } of rows as { t: string }[]) {
    await c.query(`drop table if exists \`${to}\`.\`${t}\``)
    await c.query(`create table \`${to}\`.\`${t}\` like \`${from}\`.\`${t}\``)
    await c.query(`insert into \`${to}\`.\`${t}\` select * from \`${from}\`.\`${t}\``)
  }
  await c.query('set foreign_key_checks = 1')
}

async function redisClient(f: ServiceFixture): Promise<Redis> {
  const { Redis: Client } = await import('ioredis')
  return new Client({ host: f.host, port: f.port, password: f.password || undefined, db: f.db, maxRetriesPerRequest: 1 })
}

async function redisKeys(c: Redis, f: ServiceFixture, own: boolean): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await c.scan(cursor, 'MATCH', own ? '*' : `${f.keyPrefix}*`, 'COUNT', 1000)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}

/** Marks the current contents of the file's database as the state reset() returns to. */
export async function snapshot(server: RunningServer, f: ServiceFixture): Promise<void> {
  if (f.service === 'postgres') return postgresSnapshot(server, f)
  if (f.service === 'mysql') {
    const c = await mysqlConn(f, server)
    try {
      await c.query(`create database if not exists \`${f.database}_snap\``)
      await copyTables(c, f.database, `${f.database}_snap`)
    } finally {
      await c.end()
    }
    return
  }
  if (f.service === 'redis') {
    const c = await redisClient(f)
    try {
      const keys = await redisKeys(c, f, ownsDb(server, f))
      const dumps: [string, Buffer, number][] = []
      for (const k of keys) {
        const dump = await c.dumpBuffer(k)
        // Keep the time to live (ms); -1 means none.
        if (dump) dumps.push([k, dump, await c.pttl(k)])
      }
      redisSnapshots.set(f.url + f.keyPrefix, dumps)
    } finally {
      c.disconnect()
    }
    return
  }
  throw new PerfInfraError(
    'PERF_INFRA_RESET_UNSUPPORTED',
    `snapshot()/reset() are not available for ${f.service}; recreate the data in the test instead`,
  )
}

export async function reset(server: RunningServer, f: ServiceFixture): Promise<void> {
  if (f.service === 'postgres') return postgresReset(server, f)
  if (f.service === 'mysql') {
    const c = await mysqlConn(f, server)
    try {
      const [snap] = await c.query('select 1 from information_schema.schemata where schema_name = ?', [`${f.database}_snap`])
      if ((snap as unknown[]).length === 0)
        throw new PerfInfraError('PERF_INFRA_RESET_UNSUPPORTED', 'mysql.reset() needs a mysql.snapshot() first')
      const [rows] = await c.query(
        'select table_name as t from information_schema.tables where table_schema = ? and table_type = "BASE TABLE"',
        [f.database],
      )
      await c.query('set foreign_key_checks = 0')
      for (const { t } of rows as { t: string }[]) await c.query(`drop table \`${f.database}\`.\`${t}\``)
      await copyTables(c, `${f.database}_snap`, f.database)
    } finally {
      await c.end()
    }
    return
  }
  if (f.service === 'redis') {
    const dumps = redisSnapshots.get(f.url + f.keyPrefix)
    if (!dumps) throw new PerfInfraError('PERF_INFRA_RESET_UNSUPPORTED', 'redis.reset() needs a redis.snapshot() first')
    const c = await redisClient(f)
    try {
      const keys = await redisKeys(c, f, ownsDb(server, f))
      if (keys.length) await c.del(...keys)
      for (const [k, dump, ttl] of dumps) await c.restore(k, Math.max(ttl, 0), dump, 'REPLACE')
    } finally {
      c.disconnect()
    }
    return
  }
  throw new PerfInfraError(
    'PERF_INFRA_RESET_UNSUPPORTED',
    `snapshot()/reset() are not available for ${f.service}; recreate the data in the test instead`,
  )
}
