import { inject } from 'vitest'
import { PerfInfraError } from '../errors.ts'
import type { ProviderFailure, ServiceFixture, ServiceName } from '../infra/types.ts'
import type { InfraUsed } from '../metrics/result.ts'
import type { WatchedServer } from '../monitor/sample.ts'

/** A database fixture: connection details of this file's own database, plus reset helpers. */
export interface DatabaseFixture extends ServiceFixture {
  /** Providers tried before this one, and why they failed. */
  tried: ProviderFailure[]
  /** Marks the current data as the state reset() returns to (disconnects PostgreSQL clients of this database). */
  snapshot(): Promise<void>
  /** Returns the database to the last snapshot(). */
  reset(): Promise<void>
  /** Stops and starts the server (local provider): every test file sharing it sees the outage. */
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

type Reply = { ok: true; fixture: ServiceFixture; tried: ProviderFailure[] } | { ok: false; code: string; message: string }

async function call(route: string, body: unknown): Promise<Reply | { ok: true }> {
  const broker = inject('vitest-perf:broker')
  if (!broker) {
    throw new PerfInfraError('PERF_INFRA_BROKER', 'The database fixtures need the perf() plugin in vitest.config.ts (plugins: [perf()]); it starts and shares the servers.')
  }
  // Not a hot path: one request per file and service.
  const res = await fetch(`${broker.url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${broker.token}` }, body: JSON.stringify(body) })
  return (await res.json()) as Reply
}

function withHelpers(fixture: ServiceFixture, tried: ProviderFailure[]): DatabaseFixture {
  const act = async (route: string) => {
    const reply = await call(route, { fixture })
    if (!reply.ok) throw new PerfInfraError(reply.code as 'PERF_INFRA_BROKER', `${fixture.service} ${route.slice(1)}: ${reply.message}`)
  }
  const self: DatabaseFixture = {
    ...fixture,
    tried,
    options: clientOptions(fixture),
    snapshot: () => act('/snapshot'),
    reset: () => act('/reset'),
    restart: () => act('/restart'),
    pause: () => act('/pause'),
    unpause: () => act('/unpause'),
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
  return (given.get(task) ?? []).map((f) => ({ service: f.service, provider: f.provider, version: f.version, tuning: f.tuning, host: f.host, port: f.port }))
}

/** One per test file: acquires each service's database on first use, releases them after the file. */
export class FileInfra {
  private readonly acquired = new Map<ServiceName, Promise<Reply>>()

  async get(service: ServiceName, skip: (note: string) => never, task?: object): Promise<DatabaseFixture> {
    let pending = this.acquired.get(service)
    if (!pending) {
      pending = call('/acquire', { service }) as Promise<Reply>
      this.acquired.set(service, pending)
    }
    const reply = await pending
    if (reply.ok) {
      if (task) given.set(task, [...(given.get(task) ?? []), reply.fixture])
      return withHelpers(reply.fixture, reply.tried)
    }
    const options = inject('vitest-perf:options')
    const policy = options?.infra?.[service]?.onUnavailable ?? options?.onUnavailable ?? 'auto'
    const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())
    const fail = policy === 'fail' || (policy === 'auto' && ci)
    if (fail || reply.code !== 'PERF_INFRA_UNAVAILABLE') throw new PerfInfraError(reply.code as 'PERF_INFRA_UNAVAILABLE', reply.message)
    return skip(`${reply.message}\n(skipped because no ${service} server could be had; with CI set this fails instead; see perf({ onUnavailable }))`)
  }

  async releaseAll(): Promise<void> {
    for (const pending of this.acquired.values()) {
      const reply = await pending.catch(() => undefined)
      if (reply?.ok) await call('/release', { fixture: reply.fixture })
    }
    this.acquired.clear()
  }
}
