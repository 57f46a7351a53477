import { createServer, type Server, type Socket } from 'node:net'
import { ProxyConnection, type UpstreamAddress } from './proxy-connection.ts'
import { PerfFaultError } from './proxy-errors.ts'
import { validateProxyOptions, type ProxyOptions, type ProxyUpstream } from './proxy-options.ts'
import { validateToxic, type ToxicOptions, type ToxicSpec } from './toxic-options.ts'

/** A toxic as added to a proxy; `using t = proxy.addToxic(…)` removes it at the end of the block. */
export type Toxic = ToxicSpec & {
  /** Removes the toxic if it is still there. */
  remove(): void
  [Symbol.dispose](): void
}

export interface ProxyStats {
  connections: { total: number; active: number }
  /** Bytes delivered: `upstream` to the server, `downstream` to the clients. */
  bytes: { upstream: number; downstream: number }
}

const HOST = '127.0.0.1'
const open = new Set<TcpProxy>()

/**
 * An in-process TCP proxy in front of one server, with Toxiproxy's toxics. Create it with
 * startProxy(); it listens on 127.0.0.1 only.
 */
export class TcpProxy implements AsyncDisposable {
  readonly host = HOST
  readonly upstream: UpstreamAddress
  private readonly fixtureUrl: string | undefined
  private server: Server | undefined
  private readonly connections = new Set<ProxyConnection>()
  private readonly specs = new Map<string, ToxicSpec>()
  private forcedDown = false
  private transition: Promise<void> = Promise.resolve()
  private listenError: Error | undefined
  private closing: Promise<void> | undefined
  private boundPort: number
  private total = 0
  private closedBytes = { upstream: 0, downstream: 0 }

  private constructor(upstream: ProxyUpstream, listenPort: number) {
    this.upstream = { host: upstream.host, port: upstream.port }
    this.fixtureUrl = upstream.url
    this.boundPort = listenPort
  }

  /** The port clients connect to; it stays the same while the proxy is down. */
  get port(): number {
    return this.boundPort
  }

  /** Creates a listening proxy; startProxy() validates the options first. */
  static async start(upstream: ProxyUpstream, listenPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(upstream, listenPort)
    await proxy.up()
    open.add(proxy)
    return proxy
  }

  /** Adds a toxic to every open connection and to every new one (each draws its toxicity). */
  addToxic(options: ToxicOptions): Toxic {
    this.assertUsable(`addToxic(${JSON.stringify(options?.type)})`)
    const spec = validateToxic(options)
    if (this.specs.has(spec.name)) {
      throw new PerfFaultError(
        'PERF_FAULT_TOXIC_EXISTS',
        `A toxic named "${spec.name}" is already on the proxy ${this.describe()}. Give the new one another name ({ name: '${spec.name}_2', … }) or remove the old one first (proxy.removeToxic('${spec.name}')).`,
      )
    }
    this.specs.set(spec.name, spec)
    if (spec.type === 'down') this.syncDown()
    else for (const c of this.connections) c.addToxic(spec)
    return Object.assign(
      { ...spec },
      {
        remove: () => {
          if (this.specs.get(spec.name) === spec && !this.closing) this.removeToxic(spec.name)
        },
        [Symbol.dispose]() {
          this.remove()
        },
      },
    )
  }

  /** Removes a toxic by name; data it holds (latency, bandwidth) goes on at once, in order. */
  removeToxic(name: string): void {
    this.assertUsable(`removeToxic(${JSON.stringify(name)})`)
    const spec = this.specs.get(name)
    if (!spec) {
      const names = [...this.specs.keys()]
      throw new PerfFaultError(
        'PERF_FAULT_TOXIC_UNKNOWN',
        `No toxic named "${name}" on the proxy ${this.describe()}; it has ${names.length === 0 ? 'none' : names.map((n) => `"${n}"`).join(', ')}. Toxics are named <type>_<stream> unless given a name.`,
      )
    }
    this.specs.delete(name)
    if (spec.type === 'down') this.syncDown()
    else for (const c of this.connections) c.removeToxic(spec)
  }

  /** The toxics in the order they apply. */
  toxics(): ToxicSpec[] {
    return [...this.specs.values()]
  }

  /** Down: open connections are closed and new ones refused (ECONNREFUSED), on the same port. */
  async setDown(down: boolean): Promise<void> {
    this.assertUsable(`setDown(${down})`)
    this.forcedDown = down
    this.syncDown()
    await this.transition
    this.assertUsable(`setDown(${down})`)
  }

  get down(): boolean {
    return this.forcedDown || [...this.specs.values()].some((s) => s.type === 'down')
  }

  /** `fixtureUrl` (default: the url of the upstream given to startProxy) with host and port replaced by the proxy's. */
  url(fixtureUrl: string | undefined = this.fixtureUrl): string {
    if (fixtureUrl === undefined) {
      throw new PerfFaultError(
        'PERF_FAULT_PROXY_INVALID',
        `proxy.url() needs a URL to rewrite: pass one (proxy.url(postgres.url)) or start the proxy with the fixture itself (startProxy({ upstream: postgres })).`,
      )
    }
    let parsed: URL
    try {
      parsed = new URL(fixtureUrl)
    } catch (cause) {
      throw new PerfFaultError(
        'PERF_FAULT_PROXY_INVALID',
        `proxy.url() cannot parse "${fixtureUrl}" as a URL; pass a URL like postgres://user@127.0.0.1:5432/db.`,
        { cause },
      )
    }
    parsed.hostname = this.host
    parsed.port = String(this.port)
    return parsed.toString()
  }

  stats(): ProxyStats {
    const bytes = { ...this.closedBytes }
    for (const c of this.connections) {
      bytes.upstream += c.up.bytes
      bytes.downstream += c.down.bytes
    }
    return { connections: { total: this.total, active: this.connections.size }, bytes }
  }

  /** Stops listening and closes every connection. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      open.delete(this)
      await this.transition.catch(() => {})
      const server = this.server
      this.server = undefined
      for (const c of this.connections) c.destroy()
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    })()
    return this.closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  private readonly accept = (client: Socket): void => {
    this.total++
    const connection = new ProxyConnection(
      client,
      this.upstream,
      this.toxics().filter((s) => s.type !== 'down'),
      (done) => {
        this.connections.delete(done)
        this.closedBytes.upstream += done.up.bytes
        this.closedBytes.downstream += done.down.bytes
      },
    )
    this.connections.add(connection)
  }

  private syncDown(): void {
    const down = this.down
    if (down && this.server) {
      const server = this.server
      this.server = undefined
      server.close()
      for (const c of this.connections) c.destroy()
    } else if (!down && !this.server) {
      this.transition = this.up()
      // Reported by the next call on the proxy (assertUsable), never as an unhandled rejection.
      this.transition.catch(() => {})
    }
  }

  private up(): Promise<void> {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, this.accept)
    this.server = server
    return new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (this.server === server) this.server = undefined
        this.listenError = new PerfFaultError(
          'PERF_FAULT_PROXY_LISTEN',
          `The fault proxy for ${this.upstream.host}:${this.upstream.port} cannot listen on ${HOST}:${this.port} (${error.code ?? error.message}). ${error.code === 'EADDRINUSE' ? 'Another process holds the port: leave listen.port out to get a free one.' : 'Pick another listen.port or leave it out.'}`,
          { cause: error },
        )
        reject(this.listenError)
      })
      server.listen(this.port, HOST, () => {
        const address = server.address()
        if (typeof address === 'object' && address) this.boundPort = address.port
        resolve()
      })
    })
  }

  private assertUsable(call: string): void {
    if (this.closing)
      throw new PerfFaultError(
        'PERF_FAULT_PROXY_CLOSED',
        `${call} on the fault proxy ${this.describe()}, which is closed. Faults end with their scope (withProxy callback, await using block): make the call inside it.`,
      )
    if (this.listenError) throw this.listenError
  }

  private describe(): string {
    return `${HOST}:${this.port} → ${this.upstream.host}:${this.upstream.port}`
  }
}

/**
 * Starts a fault proxy in front of `upstream` (e.g. a database fixture): the one way to get a
 * proxy. Close it, or use `await using`; the `faults` fixture's startProxy closes it after the test.
 */
export async function startProxy(options: ProxyOptions): Promise<TcpProxy> {
  const { upstream, listenPort } = validateProxyOptions(options)
  return TcpProxy.start(upstream, listenPort)
}

/** startProxy() for code without `await using`: runs `fn` with a proxy and closes it however `fn` ends. */
export async function withProxy<T>(upstream: ProxyUpstream | ProxyOptions, fn: (proxy: TcpProxy) => T | Promise<T>): Promise<T> {
  const options = typeof upstream === 'object' && upstream !== null && 'upstream' in upstream ? upstream : { upstream }
  await using proxy = await startProxy(options)
  return await fn(proxy)
}

/** Closes every proxy still open in this process, those of beforeAll too (for an afterAll or a global teardown). */
export async function closeAllProxies(): Promise<number> {
  const proxies = [...open]
  await Promise.all(proxies.map((p) => p.close()))
  return proxies.length
}
