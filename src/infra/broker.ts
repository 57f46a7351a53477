import { randomBytes } from 'node:crypto'
import type { RouteHandlers } from '../broker/routes.ts'
import { PerfInfraError, type PerfError } from '../core/errors.ts'
import { startService } from './chain.ts'
import type { ServiceDriver } from './driver.ts'
import { sweepLeftovers } from './leftovers.ts'
import { removeContainers } from './providers/testcontainers.ts'
import { forgetSnapshot, reset, snapshot } from './reset.ts'
import { mongodb } from './services/mongodb.ts'
import { mysql } from './services/mysql.ts'
import { postgres } from './services/postgres.ts'
import { redis } from './services/redis.ts'
import type { ProviderFailure, RunningServer, ServiceFixture, ServiceName, ServiceOptions } from './types.ts'

const DRIVERS: Record<ServiceName, ServiceDriver> = { postgres, mysql, redis, mongodb }

const keyOf = (f: ServiceFixture) => `${f.service}:${f.database}:${f.keyPrefix ?? ''}`

/**
 * Owns every database server of a Vitest run, in the main process. Workers ask it, through the
 * broker's routes, for an isolated database; the first request for a service starts its server
 * (provider chain), later ones share it. close() releases the databases and stops the servers.
 */
export class InfraBroker {
  private readonly servers = new Map<ServiceName, Promise<{ server: RunningServer; failures: ProviderFailure[] }>>()
  private readonly fixtures = new Map<string, { server: RunningServer; fixture: ServiceFixture }>()
  private readonly options: Partial<Record<ServiceName, ServiceOptions>>
  private readonly log: (line: string) => void
  private counter = 0

  constructor(options: Partial<Record<ServiceName, ServiceOptions>>, log: (line: string) => void) {
    this.options = options
    this.log = log
  }

  /** Removes what killed runs left behind (processes, data directories, containers); once, before serving. */
  async sweep(): Promise<void> {
    const { removed, containers, warnings } = sweepLeftovers()
    for (const line of warnings) this.log(`vitest-perf: leftover sweep: ${line}`)
    if (containers.length) await removeContainers(containers, this.log).catch(() => [])
    for (const line of removed) this.log(`vitest-perf: removed leftovers of a killed run: ${line}`)
  }

  /** The database lifecycle routes of the broker. */
  handlers(): RouteHandlers<'acquire' | 'release' | 'snapshot' | 'reset'> {
    return {
      acquire: ({ service }) => this.acquire(service),
      release: async (request) => {
        const { server, fixture } = this.entry(request.fixture)
        this.fixtures.delete(keyOf(fixture))
        forgetSnapshot(fixture)
        await DRIVERS[fixture.service].release(server, fixture)
      },
      snapshot: (request) => {
        const { server, fixture } = this.entry(request.fixture)
        return snapshot(server, fixture)
      },
      reset: (request) => {
        const { server, fixture } = this.entry(request.fixture)
        return reset(server, fixture)
      },
    }
  }

  async acquire(service: ServiceName): Promise<{ fixture: ServiceFixture; tried: ProviderFailure[] }> {
    const driver = DRIVERS[service]
    if (!driver) throw new PerfInfraError('PERF_INFRA_BROKER', `unknown service "${service}"`)
    let pending = this.servers.get(service)
    if (!pending) {
      pending = startService(driver, this.options[service] ?? {})
      this.servers.set(service, pending)
    }
    try {
      const { server, failures } = await pending
      const key = `${process.pid.toString(36)}${(++this.counter).toString(36)}${randomBytes(2).toString('hex')}`
      const fixture = await driver.isolate(server, key)
      this.fixtures.set(keyOf(fixture), { server, fixture })
      return { fixture, tried: failures }
    } catch (e) {
      const err = e as PerfError
      if (typeof err.code === 'string' && err.code.startsWith('PERF_')) throw err
      // The server is there, but the file's own database could not be created on it.
      throw new PerfInfraError(
        'PERF_INFRA_START_FAILED',
        `${service}: creating the test file's own database failed: ${err.message}${err.code ? ` (${err.code})` : ''}; fix: give the user the right to create databases, or use another provider`,
      )
    }
  }

  /** The server a fixture this broker gave out lives on (for the server faults too). */
  serverOf(fixture: ServiceFixture): RunningServer {
    return this.entry(fixture).server
  }

  private entry(f: ServiceFixture): { server: RunningServer; fixture: ServiceFixture } {
    const entry = f && this.fixtures.get(keyOf(f))
    if (!entry) throw new PerfInfraError('PERF_INFRA_BROKER', `no such fixture ${f?.service}/${f?.database}`)
    return entry
  }

  async close(): Promise<void> {
    for (const { server, fixture } of this.fixtures.values()) await DRIVERS[fixture.service].release(server, fixture).catch(() => {})
    this.fixtures.clear()
    for (const pending of this.servers.values()) {
      const started = await pending.catch(() => undefined)
      await started?.server.stop().catch((e: unknown) => this.log(`vitest-perf: stopping ${started.server.service} failed: ${String(e)}`))
    }
    this.servers.clear()
  }

  /** Every server that was started, for reports and the exit handler. */
  async running(): Promise<RunningServer[]> {
    const all = await Promise.all([...this.servers.values()].map((p) => p.then((s) => s.server).catch(() => undefined)))
    return all.filter((s): s is RunningServer => s !== undefined)
  }
}
