export type ServiceName = 'postgres' | 'mysql' | 'redis' | 'mongodb'
export type ProviderName = 'url' | 'testcontainers' | 'local' | 'embedded'
export const PROVIDER_ORDER: ProviderName[] = ['url', 'testcontainers', 'local', 'embedded']

/**
 * How a server started for a perf test is tuned: `fast` turns durability off (fsync, sync
 * commits, persistence) for speed; `durable` keeps production-like defaults.
 */
export type Tuning = 'fast' | 'durable'

export interface ServiceOptions {
  /** Pin one provider instead of trying the chain. */
  provider?: ProviderName
  url?: string
  /** Container image for the testcontainers provider. */
  image?: string
  /** Local provider: the server's major version to use (PostgreSQL: /usr/lib/postgresql/<version>/bin). */
  version?: string
  tuning?: Tuning
  /** Local provider: a fixed port instead of a free one. */
  port?: number
  /** Server settings passed on its command line (postgres -c k=v, mariadbd --k=v, redis-server --k v). */
  settings?: Record<string, string>
  /** Overrides perf({ onUnavailable }) for this service. */
  onUnavailable?: 'skip' | 'fail' | 'auto'
}

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

/** A running server as the main process knows it: admin access, no isolation yet. */
export interface RunningServer extends ServerInfo {
  stop(): Promise<void>
  /** Stops and starts the server again on the same port and data (local provider). */
  restart?(): Promise<void>
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
