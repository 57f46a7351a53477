import type { ConfigProblem } from '../errors.ts'
import { PerfFaultConfigError } from './proxy-errors.ts'

/** The server behind the proxy; a database fixture (`postgres`, `mysql`, `redis`) fits as is. */
export interface ProxyUpstream {
  host: string
  port: number
  /** The server's URL, rewritten by proxy.url() when called without an argument. */
  url?: string
}

export interface ProxyOptions {
  upstream: ProxyUpstream
  /** Where the proxy listens: always 127.0.0.1; port 0 (default) takes a free one. */
  listen?: { port?: number }
}

const isPort = (value: unknown, min: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 65_535
const show = (value: unknown) => JSON.stringify(value) ?? String(value)

/** Checks startProxy()'s options; throws PERF_FAULT_PROXY_INVALID with every problem found. */
export function validateProxyOptions(options: unknown): { upstream: ProxyUpstream; listenPort: number } {
  const problems: ConfigProblem[] = []
  const o = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>
  if (typeof options !== 'object' || options === null) {
    problems.push({ path: '', message: `must be an object like { upstream: postgres } or { upstream: { host: '127.0.0.1', port: 5432 } }, got ${show(options)}` })
  }
  for (const key of Object.keys(o)) {
    if (key !== 'upstream' && key !== 'listen') problems.push({ path: key, message: `unknown option; startProxy() takes upstream and listen${key === 'host' || key === 'port' ? ` (put ${key} under upstream)` : ''}` })
  }
  const upstream = o.upstream as Record<string, unknown> | undefined
  if (typeof upstream !== 'object' || upstream === null) {
    if (typeof options === 'object' && options !== null) problems.push({ path: 'upstream', message: `is required: the server to proxy, e.g. a fixture (upstream: postgres) or { host: '127.0.0.1', port: 5432 }; got ${show(upstream)}` })
  } else {
    if (typeof upstream.host !== 'string' || upstream.host === '') problems.push({ path: 'upstream.host', message: `must be a host name or address, got ${show(upstream.host)}` })
    if (!isPort(upstream.port, 1)) problems.push({ path: 'upstream.port', message: `must be a whole number from 1 to 65535, got ${show(upstream.port)}` })
    if (upstream.url !== undefined && typeof upstream.url !== 'string') problems.push({ path: 'upstream.url', message: `must be a string when given, got ${show(upstream.url)}` })
  }
  const listen = o.listen as Record<string, unknown> | undefined
  if (listen !== undefined && (typeof listen !== 'object' || listen === null)) {
    problems.push({ path: 'listen', message: `must be an object like { port: 15432 }, got ${show(listen)}` })
  } else if (listen !== undefined) {
    for (const key of Object.keys(listen)) {
      if (key !== 'port') problems.push({ path: `listen.${key}`, message: key === 'host' ? 'the proxy always listens on 127.0.0.1 (faults stay on this machine); leave host out' : 'unknown option; listen takes port' })
    }
    if (listen.port !== undefined && !isPort(listen.port, 0)) problems.push({ path: 'listen.port', message: `must be a whole number from 0 (any free port) to 65535, got ${show(listen.port)}` })
  }
  if (problems.length > 0) throw new PerfFaultConfigError('PERF_FAULT_PROXY_INVALID', 'fault proxy options', problems)
  const u = upstream as unknown as ProxyUpstream
  return { upstream: { host: u.host, port: u.port, url: u.url }, listenPort: (listen?.port as number | undefined) ?? 0 }
}
