/** Where a database is: a perfTest fixture fits as it is, so does `{ url }` or host/port/user. */
export interface ConnectionSpec {
  url?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  /** Redis: prefix of every key (the fixture's own). */
  keyPrefix?: string
  /** Redis: db index. */
  db?: number
}
