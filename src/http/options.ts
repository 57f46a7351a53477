import { parseOptions } from '../config/zod-problems.ts'
import type { ConfigProblem } from '../core/errors.ts'
import { PerfHttpConfigError } from './errors.ts'
import { ALLOW_HOSTS_ENV, judgeHost, parseAllowList, refuseHost, type HostVerdict } from './hosts.ts'
import { clientOptionsSchema, originSchema } from './options-schema.ts'
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
  transport: 'undici' | 'wire'
}

/**
 * Checks the URL, the options and the host, all before a dispatcher exists: whatever is wrong,
 * nothing has been sent when this throws. Config problems are listed together; a host that is
 * neither loopback nor allowlisted is refused with PERF_HTTP_HOST_NOT_ALLOWED.
 */
export function resolveClientOptions(
  url: unknown,
  options: HttpClientOptions = {},
  env: string | undefined = process.env[ALLOW_HOSTS_ENV],
): ResolvedClientOptions {
  const origin = parseOptions(originSchema, url, { prefix: 'url' })
  const parsedOptions = parseOptions(clientOptionsSchema, options)
  const problems: ConfigProblem[] = []
  if (!origin.ok) problems.push(...origin.problems)
  if (!parsedOptions.ok) problems.push(...parsedOptions.problems.map((p) => (p.path === '' ? { ...p, path: 'options' } : p)))
  // The entries were checked by the schema; what is left to check is the environment variable.
  const allow = parseAllowList(parsedOptions.ok ? parsedOptions.data.allowHosts : [], env, problems)
  if (origin.ok && parsedOptions.ok && parsedOptions.data.transport === 'wire' && origin.data.protocol !== 'http:') {
    problems.push({
      path: 'options.transport',
      message: `'wire' speaks plain HTTP only, and ${origin.data.origin} is ${origin.data.protocol.slice(0, -1)}: use transport: 'undici' (the default) for TLS`,
    })
  }
  if (problems.length > 0 || !origin.ok || !parsedOptions.ok) throw new PerfHttpConfigError(problems, 'HTTP client options')
  const parsed = origin.data
  const o = parsedOptions.data
  const verdict = judgeHost(parsed.hostname, allow)
  if (!verdict.allowed) throw refuseHost(parsed, allow)
  return {
    url: parsed,
    origin: parsed.origin,
    via: verdict.via,
    connections: o.connections,
    pipelining: o.pipelining,
    timeouts: { connect: o.connectTimeout ?? o.timeout, headers: o.headersTimeout ?? o.timeout, body: o.bodyTimeout ?? o.timeout },
    keepAliveTimeout: o.keepAliveTimeout,
    headers: Object.fromEntries(Object.entries(o.headers).map(([name, value]) => [name.toLowerCase(), value])),
    throwOnCheck: o.throwOnCheck,
    transport: o.transport,
  }
}
