import { parseDuration } from '../config/duration.ts'
import type { ConfigProblem } from '../errors.ts'
import { PerfHttpConfigError } from './errors.ts'
import { ALLOW_HOSTS_ENV, judgeHost, parseAllowList, refuseHost, type HostVerdict } from './hosts.ts'
import type { HttpClientOptions } from './types.ts'

export interface ResolvedClientOptions {
  url: URL
  origin: string
  via: Extract<HostVerdict, { allowed: true }>['via']
  connections: number | undefined
  pipelining: number
  timeouts: { connect: number; headers: number; body: number }
  keepAliveTimeout: number | undefined
  headers: Record<string, string>
  throwOnCheck: boolean
}

const KNOWN = new Set(['connections', 'pipelining', 'timeout', 'connectTimeout', 'headersTimeout', 'bodyTimeout', 'keepAliveTimeout', 'headers', 'allowHosts', 'throwOnCheck'])
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Checks the URL, the options and the host, all before a dispatcher exists: whatever is wrong,
 * nothing has been sent when this throws. Config problems are listed together; a host that is
 * neither loopback nor allowlisted is refused with PERF_HTTP_HOST_NOT_ALLOWED.
 */
export function resolveClientOptions(url: unknown, options: HttpClientOptions = {}, env: string | undefined = process.env[ALLOW_HOSTS_ENV]): ResolvedClientOptions {
  const problems: ConfigProblem[] = []
  let parsed: URL | undefined
  if (typeof url !== 'string' && !(url instanceof URL)) problems.push({ path: 'url', message: `must be a URL string like 'http://127.0.0.1:8080', got ${typeof url}` })
  else {
    try {
      parsed = new URL(String(url))
    } catch {
      problems.push({ path: 'url', message: `cannot parse ${JSON.stringify(String(url))} as a URL; use e.g. 'http://127.0.0.1:8080'` })
    }
  }
  if (parsed !== undefined) {
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push({ path: 'url', message: `protocol ${parsed.protocol} is not supported; use http: or https:` })
    if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') problems.push({ path: 'url', message: `give the origin only (${parsed.origin}); put "${parsed.pathname}${parsed.search}" into each request's path` })
    if (parsed.username !== '' || parsed.password !== '') problems.push({ path: 'url', message: 'credentials in the URL are not sent; pass an authorization header in headers instead' })
  }
  if (typeof options !== 'object' || options === null) throw new PerfHttpConfigError([{ path: 'options', message: 'must be an object' }], 'HTTP client options')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) problems.push({ path: key, message: `unknown option; use one of ${[...KNOWN].join(', ')}` })
  }
  const int = (name: 'connections' | 'pipelining', min: number): number | undefined => {
    const v = options[name]
    if (v === undefined) return undefined
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v
    problems.push({ path: name, message: `must be a whole number ≥ ${min}, got ${JSON.stringify(v)}` })
    return undefined
  }
  const ms = (name: 'timeout' | 'connectTimeout' | 'headersTimeout' | 'bodyTimeout' | 'keepAliveTimeout', fallback: number | undefined): number | undefined => {
    const v = options[name]
    if (v === undefined) return fallback
    const parsedMs = parseDuration(v)
    if (parsedMs !== undefined && parsedMs > 0) return parsedMs
    problems.push({ path: name, message: `cannot parse duration ${JSON.stringify(v)}: use '5s', '500ms' or a number of milliseconds > 0` })
    return fallback
  }
  const connections = int('connections', 1)
  const pipelining = int('pipelining', 1) ?? 1
  const timeout = ms('timeout', DEFAULT_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS
  const timeouts = { connect: ms('connectTimeout', timeout) ?? timeout, headers: ms('headersTimeout', timeout) ?? timeout, body: ms('bodyTimeout', timeout) ?? timeout }
  const keepAliveTimeout = ms('keepAliveTimeout', undefined)
  const headers: Record<string, string> = {}
  if (options.headers !== undefined) {
    if (typeof options.headers !== 'object' || options.headers === null) problems.push({ path: 'headers', message: 'must be an object of header values' })
    else {
      for (const [name, value] of Object.entries(options.headers)) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value
        else problems.push({ path: `headers.${name}`, message: `must be a string, got ${typeof value}` })
      }
    }
  }
  if (options.throwOnCheck !== undefined && typeof options.throwOnCheck !== 'boolean') problems.push({ path: 'throwOnCheck', message: 'must be true or false' })
  let allowHosts: readonly unknown[] = []
  if (options.allowHosts !== undefined) {
    if (Array.isArray(options.allowHosts)) allowHosts = options.allowHosts
    else problems.push({ path: 'allowHosts', message: `must be an array of host names, IPs or CIDR ranges, e.g. ['10.0.0.5'], got ${typeof options.allowHosts}` })
  }
  const allow = parseAllowList(allowHosts, env, problems)
  if (problems.length > 0 || parsed === undefined) throw new PerfHttpConfigError(problems, 'HTTP client options')
  const verdict = judgeHost(parsed.hostname, allow)
  if (!verdict.allowed) throw refuseHost(parsed, allow)
  return {
    url: parsed,
    origin: parsed.origin,
    via: verdict.via,
    connections,
    pipelining,
    timeouts,
    keepAliveTimeout,
    headers,
    throwOnCheck: options.throwOnCheck ?? false,
  }
}
