import { inject } from 'vitest'
import { brokerClient, type BrokerClient } from '../broker/client.ts'
import type { RouteResponse } from '../broker/routes.ts'
import type { ProviderFailure, ServiceFixture, ServiceName } from '../broker/wire.ts'
import { PerfError, PerfInfraError, rebuildError } from '../core/errors.ts'
import type { InfraUsed } from '../core/result.ts'
import type { WatchedServer } from '../core/resource-sample.ts'

/** A database fixture: connection details of this file's own database, plus reset helpers. */
export interface DatabaseFixture extends ServiceFixture {
  /** Providers tried before this one, and why they failed. */
  tried: ProviderFailure[]
  /** Marks the current data as the state reset() returns to (disconnects PostgreSQL clients of this database). */
  snapshot(): Promise<void>
  /** Returns the database to the last snapshot(). */
  reset(): Promise<void>
  /** Stops and starts the server (local and embedded providers): every test file sharing it sees the outage. */
  restart(): Promise<void>
  /**
   * This fixture routed through a fault proxy: url, host, port and options point at the proxy,
   * everything else (database, key prefix, snapshot, reset) stays the same.
   */
  through(proxy: { host: string; port: number; url(u?: string): string }): DatabaseFixture
  /** Freezes the server (SIGSTOP, docker pause) until unpause(): connections hang instead of failing. */
  pause(): Promise<void>
  unpause(): Promise<void>
  /**
   * Ready-made client options: `new pg.Pool(postgres.options)`, `mysql.createPool(mysql.options)`,
   * `new Redis(redis.options)` (with this file's db and key prefix), `new MongoClient(mongodb.url)`.
   */
  options: ClientOptions
}

export interface ClientOptions {
  host: string
  port: number
  user?: string
  username?: string
  password?: string
  database?: string
  db?: number
  keyPrefix?: string
}

function clientOptions(f: ServiceFixture): ClientOptions {
  const base = { host: f.host, port: f.port, ...(f.password ? { password: f.password } : {}) }
  if (f.service === 'redis') return { ...base, db: f.db, keyPrefix: f.keyPrefix, ...(f.user ? { username: f.user } : {}) }
  return { ...base, user: f.user, database: f.database }
}

function broker(): BrokerClient {
  const address = inject('vitest-perf:broker')
  if (!address) {
    throw new PerfInfraError(
      'PERF_INFRA_BROKER',
      'The database fixtures need the perf() plugin in vitest.config.ts (plugins: [perf()]); it starts and shares the servers.',
    )
  }
  // Not a hot path: one request per file and service.
  return brokerClient(address)
}

function withHelpers(fixture: ServiceFixture, tried: ProviderFailure[]): DatabaseFixture {
  const act = async (route: 'snapshot' | 'reset' | 'restart' | 'pause' | 'unpause') => {
    const client = broker()
    try {
      await client.call(route, { fixture })
    } catch (e) {
      // Same class and code, with the service and the action in front.
      throw e instanceof PerfError ? rebuildError({ code: e.code, message: `${fixture.service} ${route}: ${e.message}` }) : e
    }
  }
  const self: DatabaseFixture = {
    ...fixture,
    tried,
    options: clientOptions(fixture),
    snapshot: () => act('snapshot'),
    reset: () => act('reset'),
    restart: () => act('restart'),
    pause: () => act('pause'),
    unpause: () => act('unpause'),
    through: (proxy) => {
      const routed = { ...fixture, host: proxy.host, port: proxy.port, url: proxy.url(fixture.url) }
      return { ...self, host: routed.host, port: routed.port, url: routed.url, options: clientOptions(routed) }
    },
  }
  return self
}

// The fixtures each test got; what results record and what the monitor watches derive from it.
const given = new WeakMap<object, ServiceFixture[]>()

/** The servers a test's fixtures gave it, for the resource monitor (with their URLs). */
export function watchedBy(task: object): WatchedServer[] {
  return (given.get(task) ?? []).map((f) => ({ service: f.service, pid: f.pid, containerId: f.containerId, url: f.url }))
}

/** The database servers a test's fixtures gave it, as recorded in its results. */
export function infraUsedBy(task: object): InfraUsed[] {
  return (given.get(task) ?? []).map((f) => ({
    service: f.service,
    provider: f.provider,
    version: f.version,
    tuning: f.tuning,
    host: f.host,
    port: f.port,
  }))
}

/** One per test file: acquires each service's database on first use, releases them after the file. */
export class FileInfra {
  private readonly acquired = new Map<ServiceName, Promise<RouteResponse<'acquire'>>>()

  async get(service: ServiceName, skip: (note: string) => never, task?: object): Promise<DatabaseFixture> {
    let pending = this.acquired.get(service)
    if (!pending) {
      pending = broker().call('acquire', { service })
      this.acquired.set(service, pending)
    }
    let acquired: RouteResponse<'acquire'>
    try {
      acquired = await pending
    } catch (e) {
      if (!(e instanceof PerfError)) throw e
      const options = inject('vitest-perf:options')
      const policy = options?.infra?.[service]?.onUnavailable ?? options?.onUnavailable ?? 'auto'
      const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())
      // Each test of the file that asks gets its own error, as each got its own reply before.
      if (policy === 'fail' || (policy === 'auto' && ci) || e.code !== 'PERF_INFRA_UNAVAILABLE') throw rebuildError(e)
      return skip(
        `${e.message}\n(skipped because no ${service} server could be had; with CI set this fails instead; see perf({ onUnavailable }))`,
      )
    }
    if (task) given.set(task, [...(given.get(task) ?? []), acquired.fixture])
    return withHelpers(acquired.fixture, acquired.tried)
  }

  async releaseAll(): Promise<void> {
    for (const pending of this.acquired.values()) {
      const acquired = await pending.catch(() => undefined)
      // A database that cannot be dropped does not fail the file; the broker forgets it either way.
      if (acquired)
        await broker()
          .call('release', { fixture: acquired.fixture })
          .catch(() => {})
    }
    this.acquired.clear()
  }
}
