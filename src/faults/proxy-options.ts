import { parseOptions } from '../config/zod-problems.ts'
import { PerfFaultConfigError } from './proxy-errors.ts'
import { proxyOptionsSchema, proxyUnknownKey } from './proxy-options-schema.ts'

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

/** Checks startProxy()'s options; throws PERF_FAULT_PROXY_INVALID with every problem found. */
export function validateProxyOptions(options: unknown): { upstream: ProxyUpstream; listenPort: number } {
  const parsed = parseOptions(proxyOptionsSchema, options, { unknownKey: proxyUnknownKey })
  if (!parsed.ok) throw new PerfFaultConfigError('PERF_FAULT_PROXY_INVALID', 'fault proxy options', parsed.problems)
  const { host, port, url } = parsed.data.upstream
  return { upstream: { host, port, url }, listenPort: parsed.data.listen?.port ?? 0 }
}
