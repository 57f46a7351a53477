import type pgTypes from 'pg'
import type * as mysqlTypes from 'mysql2/promise'
import { importOptional } from '../core/optional-package.ts'
import { createTable, dialectText, insertIgnore, numberPlaceholders, type Dialect, type TableSpec } from './sql-dialect.ts'
import type { ConnectionSpec } from './connection-spec.ts'

export type Row = Record<string, unknown>

/** Statements with `?` placeholders, in either dialect. */
export interface SqlRunner {
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>
  /** Runs an insert, update or delete and returns how many rows it wrote. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>
  /** Runs an insert into a table with an `id` column and returns the new id. */
  insertId(sql: string, params?: readonly unknown[]): Promise<number>
}

export interface SqlClient extends SqlRunner {
  readonly dialect: Dialect
  /** The same client, calling `onRetry` whenever a deadlock made it run something again. */
  withRetries(onRetry: () => void): SqlClient
  close(): Promise<void>
}

interface Driver extends SqlRunner {
  dialect: Dialect
  close(): Promise<void>
}

const ATTEMPTS = 3
const MAX_PREPARED = 200
const SEED_CHUNK = 500

/** Deadlock and serialization failures: the server rolled the statement back, running it again is safe. */
function retryable(e: unknown): boolean {
  const err = e as { code?: string; errno?: number }
  return err?.code === '40P01' || err?.code === '40001' || err?.errno === 1213 || err?.errno === 1205
}

async function retrying<T>(fn: () => Promise<T>, onRetry?: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      if (attempt >= ATTEMPTS || !retryable(e)) throw e
      onRetry?.()
    }
  }
}

function client(driver: Driver, onRetry?: () => void): SqlClient {
  return {
    dialect: driver.dialect,
    query: (sql, params) => retrying(() => driver.query(sql, params), onRetry),
    execute: (sql, params) => retrying(() => driver.execute(sql, params), onRetry),
    insertId: (sql, params) => retrying(() => driver.insertId(sql, params), onRetry),
    withRetries: (cb) => client(driver, cb),
    close: () => driver.close(),
  }
}

// Numbers and dates come back the same from both servers: bigint/numeric as numbers (sums stay
// far below 2^53 here), dates and timestamps as the strings the server printed.
const PG_NUMBER_OIDS = new Set([20, 1700])
const PG_TEXT_OIDS = new Set([1082, 1114, 1184])

/** PostgreSQL through one pg.Pool. */
export async function postgresClient(spec: ConnectionSpec, poolSize: number): Promise<SqlClient> {
  const { default: pg } = await importOptional<{ default: typeof pgTypes }>('pg', 'a workflow on PostgreSQL')
  const getTypeParser = ((oid: number, format?: string) => {
    if (PG_NUMBER_OIDS.has(oid)) return (v: string) => Number(v)
    if (PG_TEXT_OIDS.has(oid)) return (v: string) => v
    return pg.types.getTypeParser(oid, format as 'text')
  }) as typeof pg.types.getTypeParser
  const pool = new pg.Pool({
    ...(spec.url
      ? { connectionString: spec.url }
      : { host: spec.host, port: spec.port, user: spec.user, password: spec.password || undefined, database: spec.database }),
    max: poolSize,
    types: { getTypeParser },
  })
  // An idle client losing its server (restart, reset()) must not crash the test worker.
  pool.on('error', () => {})
  const prepared = new Map<string, { name?: string; text: string }>()
  // Named statements are parsed and planned once per connection. Names are never reused for
  // another text, so past the cap new texts simply go unnamed.
  const statement = (sql: string, values: readonly unknown[] | undefined): pgTypes.QueryConfig => {
    let p = prepared.get(sql)
    if (p === undefined) {
      const dml = /^\s*(select|insert|update|delete|with)\b/i.test(sql)
      p = { text: numberPlaceholders(sql), name: dml && prepared.size < MAX_PREPARED ? `vp_wf_${prepared.size}` : undefined }
      if (prepared.size < MAX_PREPARED * 4) prepared.set(sql, p)
    }
    return { ...p, values: values as unknown[] }
  }
  return client({
    dialect: 'postgres',
    query: async (sql, params) => (await pool.query(statement(sql, params))).rows,
    execute: async (sql, params) => (await pool.query(statement(sql, params))).rowCount ?? 0,
    insertId: async (sql, params) => Number((await pool.query(statement(`${sql} returning id`, params))).rows[0].id),
    close: () => pool.end(),
  })
}

/** MySQL or MariaDB through one mysql2 pool. */
export async function mysqlClient(spec: ConnectionSpec, poolSize: number): Promise<SqlClient> {
  const mysql = await importOptional<typeof mysqlTypes>('mysql2/promise', 'a workflow on MySQL')
  const pool = mysql.createPool({
    ...(spec.url
      ? { uri: spec.url }
      : { host: spec.host, port: spec.port, user: spec.user, password: spec.password, database: spec.database }),
    connectionLimit: poolSize,
    waitForConnections: true,
    queueLimit: 0,
    dateStrings: true,
    decimalNumbers: true,
    supportBigNumbers: true,
  })
  // Read committed, as most ETL jobs run: repeatable read's gap locks turn concurrent
  // insert … select into deadlocks. The event hands over the callback-style connection.
  pool.on('connection', (conn) => {
    ;(conn as unknown as { query(sql: string, cb: () => void): void }).query(
      'set session transaction isolation level read committed',
      () => {},
    )
  })
  const header = async (sql: string, params: readonly unknown[] | undefined) =>
    (await pool.query(sql, params as unknown[]))[0] as mysqlTypes.ResultSetHeader
  return client({
    dialect: 'mysql',
    query: async (sql, params) => (await pool.query(sql, params as unknown[]))[0] as Row[],
    execute: async (sql, params) => (await header(sql, params)).affectedRows,
    insertId: async (sql, params) => (await header(sql, params)).insertId,
    close: () => pool.end(),
  })
}

/** Inserts reference rows in chunks, skipping keys that exist: setup() may run again. */
export async function seedRows(sql: SqlClient, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const [{ n }] = await sql.query(`select count(*) as n from ${table}`)
  if (Number(n) >= rows.length) return
  for (let i = 0; i < rows.length; i += SEED_CHUNK) {
    const chunk = rows.slice(i, i + SEED_CHUNK)
    await sql.query(insertIgnore(sql.dialect, table, columns, chunk.length), chunk.flat())
  }
}

export async function createTables(sql: SqlClient, tables: TableSpec[]): Promise<void> {
  for (const t of tables) for (const ddl of createTable(sql.dialect, t)) await sql.query(ddl)
}

export function schemaOf(d: Dialect, tables: TableSpec[]): string[] {
  return tables.flatMap((t) => createTable(d, t))
}

export async function countRows(sql: SqlClient, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const t of tables) counts[t] = Number((await sql.query(`select count(*) as n from ${t}`))[0].n)
  return counts
}

/** Statement texts as the server receives them, for describe(). */
export function texts(d: Dialect, statements: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(statements).map(([step, list]) => [step, list.map((s) => dialectText(d, s))]))
}
