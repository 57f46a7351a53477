import type { RunningServer, ServiceFixture, ServiceName, ServiceOptions } from './types.ts'

/** What the provider chain needs from one kind of database. */
export interface ServiceDriver {
  service: ServiceName
  /** Environment variable holding an explicit URL, e.g. VITEST_PERF_POSTGRES_URL. */
  urlEnv: string
  /** The client package every provider needs (databases are created and versions read with it). */
  client: string
  defaultImage: string
  fromUrl(url: string): Promise<RunningServer>
  testcontainers(options: ServiceOptions): Promise<RunningServer>
  local(options: ServiceOptions): Promise<RunningServer>
  embedded?(options: ServiceOptions): Promise<RunningServer>
  /** Reserves an isolated database (or db index) for one test file. */
  isolate(server: RunningServer, key: string): Promise<ServiceFixture>
  release(server: RunningServer, fixture: ServiceFixture): Promise<void>
}
