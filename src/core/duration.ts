/**
 * The one duration grammar of vitest-perf, for load configs, thresholds windows ("over 1m30s"),
 * delayAbortEval, faults and every other option: number-unit pairs with units in decreasing
 * order, each at most once (`'1h30m'`, `'1m30s'`, `'1.5s'`, `'250ms'`, `'500us'`), or a plain
 * number of milliseconds. `'30s1m'` and `'1h1h'` are mistakes, not durations.
 */
const UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
  ['us', 0.001],
  ['µs', 0.001],
  ['μs', 0.001],
] as const
const UNIT_MS = new Map<string, number>(UNITS)
// A micro sign counts as the same unit as "us" for the order check.
const RANK = new Map<string, number>(UNITS.map(([u], i) => [u, Math.min(i, 4)]))
const NUMBER = /\d+(?:\.\d+)?/y
const PART = /(\d+(?:\.\d+)?)(ms|µs|μs|us|h|m|s)(?![A-Za-z])/y

export const DURATION_HINT = "use '30s', '1m30s', '500ms', '1h' or a number of milliseconds"

export type DurationScan = { ok: true; ms: number; end: number } | { ok: false; at: number; expected: string }

/**
 * Reads number-unit pairs from `text` at `start` up to the first character that starts no pair.
 * For parsers that embed durations (threshold windows) and need the position of a mistake.
 */
export function scanDuration(text: string, start: number): DurationScan {
  let total = 0
  let index = start
  let lastRank = -1
  for (;;) {
    PART.lastIndex = index
    const match = PART.exec(text)
    if (!match) {
      if (lastRank >= 0) return { ok: true, ms: clean(total), end: index }
      NUMBER.lastIndex = index
      const number = NUMBER.exec(text)
      if (number) return { ok: false, at: index + number[0].length, expected: 'a duration unit (h, m, s, ms, us)' }
      return { ok: false, at: index, expected: 'a duration like 10s, 1m30s or 500ms' }
    }
    const rank = RANK.get(match[2])!
    if (rank <= lastRank) {
      return { ok: false, at: index + match[1].length, expected: 'duration units in decreasing order (h, m, s, ms, us), each at most once' }
    }
    lastRank = rank
    total += Number(match[1]) * UNIT_MS.get(match[2])!
    index = PART.lastIndex
  }
}

/**
 * Parses a duration (see above) into milliseconds. Returns undefined for anything else, so
 * callers report it with their own path.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined
  if (typeof input !== 'string') return undefined
  const text = input.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text)
  const scan = scanDuration(text, 0)
  return scan.ok && scan.end === text.length ? scan.ms : undefined
}

// Floating-point noise from unit scaling (1.1 * 1000) would otherwise break `<=` at a boundary.
function clean(n: number): number {
  return Number(n.toPrecision(15))
}

/** Formats milliseconds the way users write them: 90000 → '1m30s', 250 → '250ms'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`
  const parts: string[] = []
  let rest = Math.round(ms)
  for (const [unit, size] of UNITS.slice(0, 3)) {
    const n = Math.floor(rest / size)
    if (n > 0) parts.push(`${n}${unit}`)
    rest -= n * size
  }
  if (rest > 0) parts.push(`${rest}ms`)
  return parts.join('')
}
