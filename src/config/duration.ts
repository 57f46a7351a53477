const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/y

/**
 * Parses `'30s'`, `'1m30s'`, `'250ms'`, `'1h'` or a number of milliseconds.
 * Returns undefined for anything else so callers can report it with their own path.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined
  if (typeof input !== 'string') return undefined
  const text = input.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text)
  let total = 0
  let index = 0
  PART.lastIndex = 0
  while (index < text.length) {
    PART.lastIndex = index
    const match = PART.exec(text)
    if (!match) return undefined
    total += Number(match[1]) * UNIT_MS[match[2]]
    index = PART.lastIndex
  }
  return total
}

/** Formats milliseconds the way users write them: 90000 → '1m30s', 250 → '250ms'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`
  const parts: string[] = []
  let rest = Math.round(ms)
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size)
    if (n > 0) parts.push(`${n}${unit}`)
    rest -= n * size
  }
  if (rest > 0) parts.push(`${rest}ms`)
  return parts.join('')
}
