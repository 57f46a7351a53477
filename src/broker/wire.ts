// The plain data that crosses the broker between workers and the Vitest main process.

export type ServiceName = 'postgres' | 'mysql' | 'redis' | 'mongodb'
export type ProviderName = 'url' | 'testcontainers' | 'local' | 'embedded'

/**
 * How a server started for a perf test is tuned: `fast` turns durability off (fsync, sync
 * commits, persistence) for speed; `durable` keeps production-like defaults.
 */
export type Tuning = 'fast' | 'durable'

/** What is known of a server, whoever holds it: the main process or a test file. */
export interface ServerInfo {
  service: ServiceName
  provider: ProviderName
  host: string
  port: number
  user: string
  password: string
  /** The admin database (server) or this file's own database (fixture); a db index for Redis. */
  database: string
  version: string
  tuning: Tuning | 'unknown'
  /** Local process id when the local or embedded provider started it. */
  pid?: number
  /** Testcontainers: the container the server runs in. */
  containerId?: string
}

/** What a test file receives: its own database (or Redis db index and key prefix). */
export interface ServiceFixture extends ServerInfo {
  url: string
  /** Redis only: the db index and key prefix reserved for this file. */
  db?: number
  keyPrefix?: string
}

/** Why one provider could not give a server: kept for the final message. */
export interface ProviderFailure {
  provider: ProviderName
  reason: string
  fix?: string
}

/** Where workers find the broker: what they learn through inject('vitest-perf:broker'). */
export interface BrokerAddress {
  url: string
  token: string
}

/** What an error thrown by a route's handler becomes on the wire. */
export interface BrokerFailure {
  code: string
  message: string
}
