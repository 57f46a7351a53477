import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import type { ConfigProblem } from '../core/errors.ts'
import { PerfHttpHostError } from './errors.ts'

export const ALLOW_HOSTS_ENV = 'VITEST_PERF_ALLOW_HOSTS'

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/** Hosts a user allowed: exact names, `*.suffix` names, IP addresses and CIDR ranges. */
export interface AllowList {
  names: Set<string>
  suffixes: string[]
  ips: BlockList
  entries: string[]
}

export function isLoopbackIp(address: string): boolean {
  const family = isIP(address)
  return family !== 0 && loopback.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/** Parses allowHosts plus the comma-separated env variable; bad entries become problems. */
export function parseAllowList(allowHosts: readonly unknown[], env: string | undefined, problems: ConfigProblem[]): AllowList {
  const list: AllowList = { names: new Set(), suffixes: [], ips: new BlockList(), entries: [] }
  const fromEnv = (env ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const all: [string, unknown][] = [
    ...allowHosts.map((h, i) => [`allowHosts[${i}]`, h] as [string, unknown]),
    ...fromEnv.map((h) => [ALLOW_HOSTS_ENV, h] as [string, unknown]),
  ]
  for (const [path, raw] of all) {
    const problem = addEntry(list, raw)
    if (problem !== undefined) problems.push({ path, message: problem })
  }
  return list
}

/** Why `raw` cannot be an allowHosts entry, or undefined when it can (for the options schema). */
export function allowEntryProblem(raw: unknown): string | undefined {
  return addEntry({ names: new Set(), suffixes: [], ips: new BlockList(), entries: [] }, raw)
}

function addEntry(list: AllowList, raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '')
    return `must be a non-empty host name, IP address or CIDR range, got ${JSON.stringify(raw)}`
  const entry = raw
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  if (entry.includes('://') || (entry.includes('/') && !/^[0-9a-f.:]+\/\d+$/.test(entry))) {
    return `"${raw}" is not a host: give the host name or IP only (e.g. "staging.internal" or "10.0.0.0/8"), without scheme or path`
  }
  const slash = entry.indexOf('/')
  if (slash !== -1) {
    const ip = entry.slice(0, slash)
    const bits = Number(entry.slice(slash + 1))
    const family = isIP(ip)
    if (family === 0 || bits > (family === 4 ? 32 : 128)) return `"${raw}" is not a valid CIDR range (e.g. "10.1.0.0/16" or "fd00::/8")`
    list.ips.addSubnet(ip, bits, family === 6 ? 'ipv6' : 'ipv4')
  } else if (isIP(entry) !== 0) {
    list.ips.addAddress(entry, isIP(entry) === 6 ? 'ipv6' : 'ipv4')
  } else if (entry.startsWith('*.') && isHostName(entry.slice(2))) {
    list.suffixes.push(entry.slice(1))
  } else if (isHostName(entry)) {
    list.names.add(entry.replace(/\.$/, ''))
  } else {
    return `"${raw}" is not a host name, IP address or CIDR range${entry.includes(':') ? ' (leave out the port: every port of an allowed host is allowed)' : ''}`
  }
  list.entries.push(entry)
  return undefined
}

function isHostName(name: string): boolean {
  return /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/.test(name)
}

export type HostVerdict = { allowed: true; via: 'loopback' | 'localhost' | 'allowlist' } | { allowed: false }

/** Decides on the URL's host alone, without DNS, so a refusal is synchronous and sends nothing. */
export function judgeHost(hostname: string, allow: AllowList): HostVerdict {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  const family = isIP(host)
  if (family !== 0) {
    if (loopback.check(host, family === 6 ? 'ipv6' : 'ipv4')) return { allowed: true, via: 'loopback' }
    return allow.ips.check(host, family === 6 ? 'ipv6' : 'ipv4') ? { allowed: true, via: 'allowlist' } : { allowed: false }
  }
  if (allow.names.has(host) || allow.suffixes.some((s) => host.endsWith(s))) return { allowed: true, via: 'allowlist' }
  // localhost is trusted by name here and checked again on every connect (guardedLookup).
  if (host === 'localhost') return { allowed: true, via: 'localhost' }
  return { allowed: false }
}

export function refuseHost(url: URL, allow: AllowList): PerfHttpHostError {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const listed = allow.entries.length === 0 ? 'nothing is allowlisted' : `allowlisted: ${allow.entries.join(', ')}`
  return new PerfHttpHostError(
    host,
    `Refusing to load ${url.origin}: ${host} is not a loopback address (127.0.0.0/8, ::1, localhost) and not allowlisted (${listed}). ` +
      `Nothing was sent. If you own that server, allow it with http.client(url, { allowHosts: ['${host}'] }) ` +
      `or ${ALLOW_HOSTS_ENV}=${host} (comma-separated; names, IPs or CIDR ranges). Never point load at servers you do not run.`,
  )
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** A `lookup` for net.connect that refuses `localhost` when it does not resolve to loopback. */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, [])
    const bad = addresses.find((a) => !isLoopbackIp(a.address))
    if (bad !== undefined) {
      const refusal = new PerfHttpHostError(
        hostname,
        `Refusing to connect: ${hostname} resolved to ${bad.address}, which is not a loopback address. Fix /etc/hosts or use http://127.0.0.1 explicitly; allow the name with allowHosts only if you own that server.`,
      )
      return callback(refusal as NodeJS.ErrnoException, [])
    }
    if (options.all) callback(null, addresses)
    else callback(null, addresses[0].address, addresses[0].family)
  })
}
