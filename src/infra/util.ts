import { randomBytes } from 'node:crypto'
import { PerfInfraError } from '../errors.ts'

export function markerId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/** Hides the password of a URL for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

/** A failed connection to an explicit URL, with the likely fix for the usual causes. */
export function connectionError(service: string, url: string, error: unknown): PerfInfraError {
  const e = error as NodeJS.ErrnoException
  const code = e?.code ?? ''
  const hint =
    code === 'ECONNREFUSED' ? 'nothing listens there: start the server or fix the host/port'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve'
    : code === '28P01' || code === 'ER_ACCESS_DENIED_ERROR' || /auth|password/i.test(e?.message ?? '') ? 'the user or password is wrong'
    : code === '3D000' || code === 'ER_BAD_DB_ERROR' ? 'the database does not exist: create it or name an existing one'
    : /timeout/i.test(e?.message ?? '') ? 'the server did not answer in time: check host, port and firewall'
    : 'check the URL and that the server runs'
  return new PerfInfraError('PERF_INFRA_URL_INVALID', `${service} at ${redact(url)} cannot be used: ${e?.message ?? String(error)}${code ? ` (${code})` : ''}; ${hint}`, { cause: error })
}
