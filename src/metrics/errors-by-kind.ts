import type { ErrorKind } from './result.ts'

/** Groups failures by what the user can act on: an error code first, then the error's name. */
export function errorKind(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown; constructor?: { name?: string } }
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
    return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error)
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

  toJSON(): Record<string, ErrorKind> {
    return Object.fromEntries(this.byKind)
  }
}
