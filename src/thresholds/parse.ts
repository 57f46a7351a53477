import { scanDuration } from '../core/duration.ts'
import { PerfThresholdSyntaxError } from '../core/errors.ts'

export type Aggregation = { kind: 'p'; p: number } | { kind: 'avg' | 'med' | 'min' | 'max' | 'count' | 'rate' | 'value' }

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!='

export interface ParsedThreshold {
  source: string
  aggregation: Aggregation
  op: ThresholdOp
  /** Normalised: milliseconds for time units, a fraction for `%`, the plain number otherwise. */
  value: number
  /** The unit exactly as written (e.g. `s`, `%`, `/s`); absent when none was written. */
  unit?: string
  windowMs?: number
}

const NAMED_AGGREGATIONS = ['avg', 'med', 'min', 'max', 'count', 'rate', 'value'] as const
// Longest first so `<=` is not read as `<` followed by garbage.
const OPERATORS = ['===', '==', '!=', '<=', '>=', '<', '>'] as const
const TIME_UNIT_MS: Record<string, number> = {
  us: 0.001,
  µs: 0.001, // micro sign U+00B5
  μs: 0.001, // greek mu U+03BC, what many keyboards produce
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const EXPECT_AGGREGATION = 'an aggregation (p(N), avg, med, min, max, count, rate, value)'
const EXPECT_OPERATOR = 'an operator (< <= > >= == !=)'
const EXPECT_UNIT = 'a unit or end of expression (units: us, ms, s, m, h, %, /s; then optionally "over <duration>")'

/** Internal: carries the position and what was expected until the public entry point picks the error. */
class SyntaxFailure {
  readonly position: number
  readonly expected: string
  constructor(position: number, expected: string) {
    this.position = position
    this.expected = expected
  }
}

class Cursor {
  pos = 0
  readonly src: string
  constructor(src: string) {
    this.src = src
  }

  atEnd(): boolean {
    return this.pos >= this.src.length
  }

  peek(): string {
    return this.src[this.pos] ?? ''
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++
  }

  /** `re` must be sticky (`y`) so it only matches at the cursor. */
  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos
    const m = re.exec(this.src)
    if (!m) return undefined
    this.pos += m[0].length
    return m[0]
  }

  fail(expected: string, at = this.pos): never {
    throw new SyntaxFailure(at, expected)
  }
}

// Floating-point noise from unit scaling (1.1 * 1000) would otherwise break `<=` at the boundary.
const clean = (n: number): number => Number(n.toPrecision(15))

export function parseThreshold(expression: string): ParsedThreshold {
  try {
    return readThreshold(new Cursor(expression))
  } catch (err) {
    if (err instanceof SyntaxFailure) throw new PerfThresholdSyntaxError(expression, err.position, err.expected)
    throw err
  }
}

function readThreshold(c: Cursor): ParsedThreshold {
  c.skipSpace()
  const aggregation = readAggregation(c)
  c.skipSpace()
  const op = readOperator(c)
  c.skipSpace()
  const raw = c.match(/-?(?:\d+(?:\.\d+)?|\.\d+)/y) ?? c.fail('a number')
  let value = Number(raw)
  c.skipSpace()
  const unitStart = c.pos
  const unit = readUnit(c)
  if (unit !== undefined) {
    checkUnitFits(c, aggregation, unit, unitStart)
    if (unit in TIME_UNIT_MS) value = clean(value * TIME_UNIT_MS[unit])
    else if (unit === '%') value = clean(value / 100)
  }
  const result: ParsedThreshold = { source: c.src, aggregation, op, value }
  if (unit !== undefined) result.unit = unit

  c.skipSpace()
  if (c.atEnd()) return result
  const wordStart = c.pos
  if (c.match(/[A-Za-z]+/y) !== 'over') c.fail('"over <duration>" or end of expression', wordStart)
  c.skipSpace()
  const durationStart = c.pos
  const windowMs = readDuration(c)
  if (windowMs <= 0) c.fail('a duration greater than 0', durationStart)
  c.skipSpace()
  if (!c.atEnd()) c.fail('end of expression')
  result.windowMs = windowMs
  return result
}

function readAggregation(c: Cursor): Aggregation {
  const start = c.pos
  const word = c.match(/[A-Za-z]+/y)
  if (word === 'p') {
    c.skipSpace()
    if (c.peek() !== '(') c.fail("'('")
    c.pos++
    c.skipSpace()
    const numStart = c.pos
    const raw = c.match(/\d+(?:\.\d+)?|\.\d+/y) ?? c.fail('a percentile between 0 and 100')
    const p = Number(raw)
    if (p > 100) c.fail('a percentile between 0 and 100', numStart)
    c.skipSpace()
    if (c.peek() !== ')') c.fail("')'")
    c.pos++
    return { kind: 'p', p }
  }
  const named = NAMED_AGGREGATIONS.find((k) => k === word)
  if (!named) c.fail(EXPECT_AGGREGATION, start)
  return { kind: named }
}

function readOperator(c: Cursor): ThresholdOp {
  const op = OPERATORS.find((o) => c.src.startsWith(o, c.pos)) ?? c.fail(EXPECT_OPERATOR)
  c.pos += op.length
  return op === '===' ? '==' : op
}

/** Returns undefined (cursor unmoved) at the end or when the next word is `over`. */
function readUnit(c: Cursor): string | undefined {
  if (c.atEnd()) return undefined
  const start = c.pos
  if (c.peek() === '%') {
    c.pos++
    return '%'
  }
  if (c.peek() === '/') return c.match(/\/s(?![A-Za-z])/y) ?? c.fail(EXPECT_UNIT)
  const word = c.match(/[A-Za-zµμ]+/y)
  if (word === 'over') {
    c.pos = start
    return undefined
  }
  if (word === undefined || !(word in TIME_UNIT_MS)) c.fail(EXPECT_UNIT, start)
  return word
}

// Units that cannot mean anything for an aggregation are rejected here, where the position is known.
function checkUnitFits(c: Cursor, aggregation: Aggregation, unit: string, at: number): void {
  const isTime = unit in TIME_UNIT_MS
  if (aggregation.kind === 'count') c.fail('end of expression (count takes a plain number, no unit)', at)
  if (aggregation.kind === 'rate' && isTime) c.fail('a rate unit (%, /s) or end of expression', at)
  if ((aggregation.kind === 'p' || aggregation.kind === 'med') && !isTime) {
    c.fail('a time unit (us, ms, s, m, h) or end of expression', at)
  }
}

function readDuration(c: Cursor): number {
  const scan = scanDuration(c.src, c.pos)
  if (!scan.ok) c.fail(scan.expected, scan.at)
  c.pos = scan.end
  return scan.ms
}

export type MetricKeyResult = { ok: true; name: string; tags: Record<string, string> } | { ok: false; position: number; expected: string }

const NAME_RE = /[A-Za-z_][\w.-]*/y
const TAG_NAME_RE = /[\w.-]+/y

export function parseMetricKey(key: string): { name: string; tags: Record<string, string> } {
  const r = tryParseMetricKey(key)
  if (!r.ok) throw new PerfThresholdSyntaxError(key, r.position, r.expected)
  return { name: r.name, tags: r.tags }
}

/** Internal: the non-throwing form, so config validation can word its own message. */
export function tryParseMetricKey(key: string): MetricKeyResult {
  try {
    const { name, tags } = readMetricKey(new Cursor(key))
    return { ok: true, name, tags }
  } catch (err) {
    if (err instanceof SyntaxFailure) return { ok: false, position: err.position, expected: err.expected }
    throw err
  }
}

function readMetricKey(c: Cursor): { name: string; tags: Record<string, string> } {
  c.skipSpace()
  const name = c.match(NAME_RE) ?? c.fail('a metric name (a letter or _, then letters, digits, _ . -)')
  c.skipSpace()
  const entries: [string, string][] = []
  if (c.atEnd()) return { name, tags: {} }
  if (c.peek() !== '{') c.fail("'{' or end of metric key")
  c.pos++
  for (;;) {
    c.skipSpace()
    const tagStart = c.pos
    const tag = c.match(TAG_NAME_RE) ?? c.fail('a tag name (letters, digits, _ . -)')
    if (entries.some(([k]) => k === tag)) c.fail('a tag name not already used in this key', tagStart)
    c.skipSpace()
    if (c.peek() !== ':') c.fail("':'")
    c.pos++
    const value = (c.match(/[^,}]*/y) ?? '').trim()
    if (value === '') c.fail('a tag value')
    entries.push([tag, value])
    if (c.atEnd()) c.fail("',' or '}'")
    if (c.peek() === '}') break
    c.pos++
  }
  c.pos++
  c.skipSpace()
  if (!c.atEnd()) c.fail('end of metric key')
  // fromEntries defines own properties, so a tag named __proto__ stays an ordinary tag.
  return { name, tags: Object.fromEntries(entries) }
}
