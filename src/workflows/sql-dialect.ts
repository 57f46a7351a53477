export type Dialect = 'postgres' | 'mysql'

/** Portable column types; each dialect maps them to its own. */
export type ColumnType = 'id' | 'int' | 'bigint' | 'money' | 'real' | 'date' | 'ts' | 'bool' | 'clob' | `text(${number})`

export interface TableSpec {
  name: string
  columns: [string, ColumnType, ('not null' | 'null')?][]
  primaryKey?: string[]
  indexes?: string[][]
}

function columnType(d: Dialect, t: ColumnType): string {
  switch (t) {
    case 'id':
      return d === 'postgres' ? 'serial primary key' : 'int auto_increment primary key'
    case 'int':
      return 'integer'
    case 'bigint':
      return 'bigint'
    case 'money':
      return 'numeric(14,2)'
    case 'real':
      return d === 'postgres' ? 'double precision' : 'double'
    case 'date':
      return 'date'
    // MySQL's timestamp converts time zones and ends in 2038.
    case 'ts':
      return d === 'postgres' ? 'timestamp' : 'datetime'
    case 'bool':
      return 'boolean'
    case 'clob':
      return d === 'postgres' ? 'text' : 'mediumtext'
    default:
      return `varchar${t.slice(4)}`
  }
}

/**
 * `create table if not exists` plus its indexes. MySQL has no `create index if not exists`
 * (MariaDB has), so there the indexes go inside the table definition.
 */
export function createTable(d: Dialect, t: TableSpec): string[] {
  const cols = t.columns.map(([name, type, nullable]) => `${name} ${columnType(d, type)}${nullable === 'not null' ? ' not null' : ''}`)
  if (t.primaryKey) cols.push(`primary key (${t.primaryKey.join(', ')})`)
  const indexes = t.indexes ?? []
  if (d === 'mysql') {
    for (const idx of indexes) cols.push(`key ${t.name}_${idx.join('_')}_idx (${idx.join(', ')})`)
    return [`create table if not exists ${t.name} (${cols.join(', ')})`]
  }
  return [
    `create table if not exists ${t.name} (${cols.join(', ')})`,
    ...indexes.map((idx) => `create index if not exists ${t.name}_${idx.join('_')}_idx on ${t.name} (${idx.join(', ')})`),
  ]
}

/** `(?, ?), (?, ?)`: one group of placeholders per row. */
export function valuesList(rows: number, columns: number): string {
  const one = `(${Array.from({ length: columns }, () => '?').join(', ')})`
  return Array.from({ length: rows }, () => one).join(', ')
}

/** A column of a bulk insert, with the PostgreSQL type of its array. */
export interface BulkColumn {
  name: string
  pg: 'int' | 'text' | 'numeric' | 'float8' | 'timestamp' | 'date' | 'bool'
}

/**
 * An insert of many rows. PostgreSQL gets one array per column through unnest(): the same text
 * for any row count (so it is prepared once) and 9 parameters instead of 9 per row.
 */
export function bulkInsert(
  d: Dialect,
  table: string,
  columns: BulkColumn[],
  rows: readonly unknown[][],
): { sql: string; params: unknown[] } {
  const names = columns.map((c) => c.name).join(', ')
  if (d === 'postgres') {
    const arrays = columns.map((_, i) => rows.map((r) => r[i]))
    return { sql: `insert into ${table} (${names}) select * from unnest(${columns.map((c) => `?::${c.pg}[]`).join(', ')})`, params: arrays }
  }
  return { sql: `insert into ${table} (${names}) values ${valuesList(rows.length, columns.length)}`, params: rows.flat() }
}

/** An insert of many rows that leaves rows with an existing key alone. */
export function insertIgnore(d: Dialect, table: string, columns: string[], rows: number): string {
  const head = d === 'postgres' ? 'insert into' : 'insert ignore into'
  const tail = d === 'postgres' ? ' on conflict do nothing' : ''
  return `${head} ${table} (${columns.join(', ')}) values ${valuesList(rows, columns.length)}${tail}`
}

/**
 * The clause after an insert that adds `add` columns to an existing row with the same `keys`
 * and overwrites `set` columns. In MySQL `values(c)` is the value the insert would have written.
 */
export function upsertClause(d: Dialect, table: string, keys: string[], add: string[], set: string[] = []): string {
  if (d === 'postgres') {
    const parts = [...add.map((c) => `${c} = ${table}.${c} + excluded.${c}`), ...set.map((c) => `${c} = excluded.${c}`)]
    return ` on conflict (${keys.join(', ')}) do update set ${parts.join(', ')}`
  }
  const parts = [...add.map((c) => `${c} = ${c} + values(${c})`), ...set.map((c) => `${c} = values(${c})`)]
  return ` on duplicate key update ${parts.join(', ')}`
}

/** Numbers `?` placeholders as `$1, $2, …` for PostgreSQL, leaving quoted text alone. */
export function numberPlaceholders(sql: string): string {
  let out = ''
  let n = 0
  let quoted = false
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted
    out += ch === '?' && !quoted ? `$${++n}` : ch
  }
  return out
}

/** The statement as the dialect's server receives it. */
export function dialectText(d: Dialect, sql: string): string {
  return d === 'postgres' ? numberPlaceholders(sql) : sql
}

/** `YYYY-MM-DD` of `day` days after 2024-01-01 (UTC): fixed, so data never depends on today. */
export function dayString(day: number): string {
  return new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD HH:MM:SS` of `seconds` after 2024-01-01 (UTC). */
export function timestampString(seconds: number): string {
  return new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')
}
