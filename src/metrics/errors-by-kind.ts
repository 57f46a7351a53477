import type { ErrorKind } from '../core/result.ts'

// PostgreSQL SQLSTATEs worth a name in a load test's error table.
const SQLSTATE: Record<string, string> = {
  '53300': 'too_many_connections',
  '57014': 'query_canceled',
  '57P01': 'admin_shutdown',
  '40P01': 'deadlock_detected',
  '40001': 'serialization_failure',
  '55P03': 'lock_not_available',
  '08006': 'connection_failure',
  '53100': 'disk_full',
  '53200': 'out_of_memory',
}

/** Groups failures by what the user can act on: an error code first, then the error's name. */
export function errorKind(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown; constructor?: { name?: string } }
    if (typeof e.code === 'string' && SQLSTATE[e.code]) return `${e.code} ${SQLSTATE[e.code]}`
    if (typeof e.code === 'string' && e.code !== '') return e.code
    if (typeof e.code === 'number') return `code ${e.code}`
    if (typeof e.name === 'string' && e.name !== '') return e.name
    return e.constructor?.name ?? 'Object'
  }
  return typeof error === 'string' ? 'string' : String(typeof error)
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  try {
    return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))
  } catch {
    return String(error)
  }
}

export class ErrorTally {
  readonly byKind = new Map<string, ErrorKind>()

  add(error: unknown): void {
    const kind = errorKind(error)
    const known = this.byKind.get(kind)
    if (known) known.count++
    else this.byKind.set(kind, { count: 1, message: errorMessage(error).slice(0, 500) })
  }

  /** Adds counts tallied elsewhere (worker threads, drivers); the first message seen is kept. */
  absorb(byKind: Record<string, ErrorKind>): void {
    for (const [kind, e] of Object.entries(byKind)) {
      const known = this.byKind.get(kind)
      if (known) known.count += e.count
      else this.byKind.set(kind, { ...e })
    }
  }

  toJSON(): Record<string, ErrorKind> {
    return Object.fromEntries(this.byKind)
  }
}
