import { randomBytes } from 'node:crypto'
import { PerfInfraError } from '../core/errors.ts'
import { redact } from '../core/redact.ts'
import type { RunningServer, ServiceFixture, ServiceName } from './types.ts'

export function markerId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/** A failed connection to an explicit URL, with the likely fix for the usual causes. */
export function connectionError(service: string, url: string, error: unknown): PerfInfraError {
  const e = error as NodeJS.ErrnoException
  const code = e?.code ?? ''
  const hint =
    code === 'ECONNREFUSED'
      ? 'nothing listens there: start the server or fix the host/port'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : code === '28P01' || code === 'ER_ACCESS_DENIED_ERROR' || /auth|password/i.test(e?.message ?? '')
          ? 'the user or password is wrong'
          : code === '3D000' || code === 'ER_BAD_DB_ERROR'
            ? 'the database does not exist: create it or name an existing one'
            : /timeout/i.test(e?.message ?? '')
              ? 'the server did not answer in time: check host, port and firewall'
              : 'check the URL and that the server runs'
  return new PerfInfraError(
    'PERF_INFRA_URL_INVALID',
    `${service} at ${redact(url)} cannot be used: ${e?.message ?? String(error)}${code ? ` (${code})` : ''}; ${hint}`,
    { cause: error },
  )
}

/** Connection parts of a server URL. */
export interface UrlParts {
  host: string
  port: number
  user: string
  password: string
  database: string
}

export interface UrlForm {
  protocols: string[]
  port: number
  user: string
  database: string
  /** How the URL is written, for the error message. */
  example: string
}

/** Parses an explicit server URL, or says which form to use (PERF_INFRA_URL_INVALID). */
export function parseServerUrl(service: string, url: string, form: UrlForm): UrlParts {
  let parsed: URL
  try {
    parsed = new URL(url)
    if (!form.protocols.includes(parsed.protocol)) throw new Error(`protocol ${parsed.protocol}`)
  } catch (e) {
    throw new PerfInfraError(
      'PERF_INFRA_URL_INVALID',
      `${service} URL "${url}" cannot be used (${(e as Error).message}); write it as ${form.example}`,
    )
  }
  return {
    host: parsed.hostname,
    port: Number(parsed.port || form.port),
    user: decodeURIComponent(parsed.username || form.user),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || form.database,
  }
}

/** The url provider's server: checked by asking its version, never started or stopped by us. */
export async function urlServer(
  service: ServiceName,
  url: string,
  parts: UrlParts,
  version: () => Promise<string>,
): Promise<RunningServer> {
  let v: string
  try {
    v = await version()
  } catch (e) {
    throw connectionError(service, url, e)
  }
  return { service, provider: 'url', ...parts, version: v, tuning: 'unknown', stop: async () => {} }
}

/** A test file's fixture on `server`: the server's description, with the file's own database and URL. */
export function fixtureOn(
  server: RunningServer,
  database: string,
  url: string,
  extra: Pick<ServiceFixture, 'db' | 'keyPrefix'> = {},
): ServiceFixture {
  const { service, provider, host, port, user, password, version, tuning, pid, containerId } = server
  return {
    service,
    provider,
    url,
    host,
    port,
    user,
    password,
    database,
    version,
    tuning,
    ...(pid ? { pid } : {}),
    ...(containerId ? { containerId } : {}),
    ...extra,
  }
}
