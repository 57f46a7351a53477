import type { ProviderName, ServerInfo, Tuning } from '../broker/wire.ts'

// The types workers see too live with the broker's wire types.
export type { ProviderFailure, ProviderName, ServerInfo, ServiceFixture, ServiceName, Tuning } from '../broker/wire.ts'

export const PROVIDER_ORDER: ProviderName[] = ['url', 'testcontainers', 'local', 'embedded']

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

/** A running server as the main process knows it: admin access, no isolation yet. */
export interface RunningServer extends ServerInfo {
  stop(): Promise<void>
  /** Stops and starts the server again on the same port and data (local and embedded providers). */
  restart?(): Promise<void>
}
