// The one redaction of credentials in text that leaves the process: messages, logs, results
// files and reports. Fixture URLs carry the passwords of the servers vitest-perf starts.

// scheme://user:password@ — the password runs to the last `@` before the host (as URL parsers
// read it), so a password with an unencoded `@` is hidden whole.
const USERINFO = /\b([a-z][a-z\d+.-]*:\/\/)([^\s:@/?#]*):([^\s/?#]*)@/gi
// Not secrets: none, already hidden, and the placeholder of help texts (`redis://[:password@]host`).
const KEEP = /^(\**|<?password>?)$/i

/** `scheme://user:password@…` → `scheme://user:***@…`, for every URL in `text`. */
export function redact(text: string): string {
  if (!text.includes('://')) return text
  return text.replace(USERINFO, (whole, scheme: string, user: string, password: string) =>
    KEEP.test(password) ? whole : `${scheme}${user}:***@`,
  )
}

/**
 * `redact` applied to every string of plain data (objects, arrays; keys too), for results and
 * report entries. Returns `value` itself when nothing had to change.
 */
export function redactDeep<T>(value: T): T {
  return walk(value) as T
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    value.forEach((item, i) => {
      const next = walk(item)
      if (next !== item) (copy ??= [...value])[i] = next
    })
    return copy ?? value
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value
  let changed = false
  const entries = Object.entries(value).map(([key, item]) => {
    const [k, v] = [redact(key), walk(item)]
    if (k !== key || v !== item) changed = true
    return [k, v] as const
  })
  return changed ? Object.fromEntries(entries) : value
}
