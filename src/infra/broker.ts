import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PerfError } from '../errors.ts'
import { startService } from './chain.ts'
import type { ServiceDriver } from './driver.ts'
import type { ProgressEvent } from '../engine/result-sink.ts'
import { PerfFaultError } from '../faults/proxy-errors.ts'
import { sweepLeftovers } from './leftovers.ts'
import { removeContainers } from './providers/testcontainers.ts'
import { forgetSnapshot, reset, snapshot } from './reset.ts'
import { mongodb } from './services/mongodb.ts'
import { mysql } from './services/mysql.ts'
import { postgres } from './services/postgres.ts'
import { redis } from './services/redis.ts'
import type { ProviderFailure, RunningServer, ServiceFixture, ServiceName, ServiceOptions } from './types.ts'

const DRIVERS: Record<ServiceName, ServiceDriver> = { postgres, mysql, redis, mongodb }

/**
 * Freezes a server without closing anything (connections hang, as on a stalled host): SIGSTOP /
 * SIGCONT for a local process, `docker pause` / `unpause` for a container.
 */
async function pauseServer(server: RunningServer, pause: boolean): Promise<void> {
  if (server.pid !== undefined) {
    process.kill(server.pid, pause ? 'SIGSTOP' : 'SIGCONT')
    return
  }
  if (server.containerId) {
    const { getContainerRuntimeClient } = await import('testcontainers')
    const client = await getContainerRuntimeClient()
    const container = client.container.getById(server.containerId) as unknown as { pause(): Promise<void>; unpause(): Promise<void> }
    await (pause ? container.pause() : container.unpause())
    return
  }
  throw new PerfFaultError('PERF_FAULT_UNSUPPORTED', `pausing a ${server.provider} ${server.service} server is not supported: it needs a local process or a container`)
}

/** What workers learn through inject('vitest-perf:broker'). */
export interface BrokerAddress {
  url: string
  token: string
}

export type BrokerReply =
  | { ok: true; fixture: ServiceFixture; tried: ProviderFailure[] }
  | { ok: false; code: string; message: string }

/**
 * Owns every database server of a Vitest run, in the main process. Workers ask it over loopback
 * HTTP for an isolated database; the first request for a service starts its server (provider
 * chain), later ones share it. close() releases the databases and stops the servers.
 */
export class InfraBroker {
  private readonly servers = new Map<ServiceName, Promise<{ server: RunningServer; failures: ProviderFailure[] }>>()
  private readonly fixtures = new Map<string, { server: RunningServer; fixture: ServiceFixture }>()
  private readonly token = randomBytes(16).toString('hex')
  private readonly options: Partial<Record<ServiceName, ServiceOptions>>
  private readonly log: (line: string) => void
  private http: Server | undefined
  private counter = 0
  /** Per-second progress of runs in the workers (live progress, Prometheus). */
  onProgress: ((event: ProgressEvent) => void) | undefined

  constructor(options: Partial<Record<ServiceName, ServiceOptions>>, log: (line: string) => void) {
    this.options = options
    this.log = log
  }

  async start(): Promise<BrokerAddress> {
    const { removed, containers } = sweepLeftovers()
    if (containers.length) await removeContainers(containers).catch(() => [])
    for (const line of removed) this.log(`vitest-perf: removed leftovers of a killed run: ${line}`)
    this.http = createServer((req, res) => {
      void this.handle(req).then((reply) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(reply))
      })
    })
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve))
    const { port } = this.http.address() as AddressInfo
    return { url: `http://127.0.0.1:${port}`, token: this.token }
  }

  async acquire(service: ServiceName): Promise<BrokerReply> {
    const driver = DRIVERS[service]
    if (!driver) return { ok: false, code: 'PERF_INFRA_BROKER', message: `unknown service "${service}"` }
    let pending = this.servers.get(service)
    if (!pending) {
      pending = startService(driver, this.options[service] ?? {})
      this.servers.set(service, pending)
    }
    try {
      const { server, failures } = await pending
      const key = `${process.pid.toString(36)}${(++this.counter).toString(36)}${randomBytes(2).toString('hex')}`
      const fixture = await driver.isolate(server, key)
      this.fixtures.set(`${service}:${fixture.database}:${fixture.keyPrefix ?? ''}`, { server, fixture })
      return { ok: true, fixture, tried: failures }
    } catch (e) {
      const err = e as PerfError
      if (typeof err.code === 'string' && err.code.startsWith('PERF_')) return { ok: false, code: err.code, message: err.message }
      // The server is there, but the file's own database could not be created on it.
      return { ok: false, code: 'PERF_INFRA_START_FAILED', message: `${service}: creating the test file's own database failed: ${err.message}${err.code ? ` (${err.code})` : ''}; fix: give the user the right to create databases, or use another provider` }
    }
  }

  private async handle(req: IncomingMessage): Promise<BrokerReply | { ok: true } | { ok: false; code: string; message: string }> {
    if (req.headers.authorization !== `Bearer ${this.token}`) return { ok: false, code: 'PERF_INFRA_BROKER', message: 'bad token' }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let body: { service: ServiceName; fixture?: ServiceFixture }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return { ok: false, code: 'PERF_INFRA_BROKER', message: 'bad request body' }
    }
    if (req.url === '/acquire') return this.acquire(body.service)
    if (req.url === '/progress') {
      this.onProgress?.(body as unknown as ProgressEvent)
      return { ok: true }
    }
    const f = body.fixture
    const entry = f && this.fixtures.get(`${f.service}:${f.database}:${f.keyPrefix ?? ''}`)
    if (!entry) return { ok: false, code: 'PERF_INFRA_BROKER', message: `no such fixture ${f?.service}/${f?.database}` }
    try {
      if (req.url === '/release') {
        this.fixtures.delete(`${entry.fixture.service}:${entry.fixture.database}:${entry.fixture.keyPrefix ?? ''}`)
        forgetSnapshot(entry.fixture)
        await DRIVERS[entry.fixture.service].release(entry.server, entry.fixture)
      } else if (req.url === '/snapshot') await snapshot(entry.server, entry.fixture)
      else if (req.url === '/reset') await reset(entry.server, entry.fixture)
      else if (req.url === '/pause' || req.url === '/unpause') await pauseServer(entry.server, req.url === '/pause')
      else if (req.url === '/restart') {
        if (!entry.server.restart) return { ok: false, code: 'PERF_FAULT_UNSUPPORTED', message: `restarting a ${entry.server.provider} ${entry.server.service} server is not supported; the local provider can (pin it with VITEST_PERF_${entry.server.service.toUpperCase()}_PROVIDER=local)` }
        await entry.server.restart()
      }
      else return { ok: false, code: 'PERF_INFRA_BROKER', message: `unknown route ${req.url}` }
      return { ok: true }
    } catch (e) {
      return { ok: false, code: (e as PerfError).code ?? 'PERF_INFRA_BROKER', message: (e as Error).message }
    }
  }

  async close(): Promise<void> {
    for (const { server, fixture } of this.fixtures.values()) await DRIVERS[fixture.service].release(server, fixture).catch(() => {})
    this.fixtures.clear()
    for (const pending of this.servers.values()) {
      const started = await pending.catch(() => undefined)
      await started?.server.stop().catch((e: unknown) => this.log(`vitest-perf: stopping ${started.server.service} failed: ${String(e)}`))
    }
    this.servers.clear()
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()))
  }

  /** Every server that was started, for reports and the exit handler. */
  async running(): Promise<RunningServer[]> {
    const all = await Promise.all([...this.servers.values()].map((p) => p.then((s) => s.server).catch(() => undefined)))
    return all.filter((s): s is RunningServer => s !== undefined)
  }
}
