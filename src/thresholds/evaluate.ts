import type { MetricSnapshot, MetricType } from '../core/metric-snapshot.ts'
import { builtinMetricType, checkAgainstType } from './define.ts'
import type { ThresholdDef } from './define.ts'
import { parseMetricKey, parseThreshold } from './parse.ts'
import type { Aggregation, ParsedThreshold, ThresholdOp } from './parse.ts'
import type { ThresholdOutcome } from '../core/result.ts'

export interface ThresholdResult {
  ok: boolean
  actual: number | null
  /** How `actual` should be displayed: `ms`, `%` (a fraction shown ×100), `/s`, or absent for a plain number. */
  unit?: string
  note?: string
}

const TIME_UNITS = new Set(['us', 'µs', 'μs', 'ms', 's', 'm', 'h'])
const RELATIVE_TOLERANCE = 1e-9

export function evaluateThreshold(def: ThresholdDef, snapshot: MetricSnapshot | undefined): ThresholdResult {
  const { parsed } = def
  const unit = displayUnit(snapshot?.type ?? builtinMetricType(def.name), parsed)
  const withUnit = (r: ThresholdResult): ThresholdResult => (unit === undefined ? r : { ...r, unit })

  const noSamples = snapshot === undefined || (snapshot.type === 'trend' && snapshot.stats.count === 0)
  if (noSamples && parsed.aggregation.kind === 'count') {
    return withUnit({ ok: compareThreshold(0, parsed.op, parsed.value), actual: 0 })
  }
  if (noSamples) return { ok: false, actual: null, note: 'no samples recorded' }

  const mismatch = checkAgainstType(def.metric, snapshot.type, parsed)
  if (mismatch) return { ok: false, actual: null, note: mismatch }
  const actual = aggregate(snapshot, parsed.aggregation)
  if (actual === null || Number.isNaN(actual)) return { ok: false, actual: null, note: 'the metric value is not a number' }
  return withUnit({ ok: compareThreshold(actual, parsed.op, parsed.value), actual })
}

function aggregate(s: MetricSnapshot, a: Aggregation): number | null {
  switch (s.type) {
    case 'trend':
      if (a.kind === 'p') return s.stats.percentile(a.p)
      if (a.kind === 'med') return s.stats.percentile(50)
      if (a.kind === 'avg') return s.stats.mean
      if (a.kind === 'min') return s.stats.min
      if (a.kind === 'max') return s.stats.max
      if (a.kind === 'count') return s.stats.count
      return null
    case 'counter':
      if (a.kind === 'count') return s.count
      if (a.kind === 'rate') return s.perSecond
      return null
    case 'rate':
      if (a.kind === 'rate') return s.total === 0 ? 0 : s.trues / s.total
      if (a.kind === 'count') return s.trues
      return null
    case 'gauge':
      if (a.kind === 'value' || a.kind === 'avg') return s.value
      if (a.kind === 'min') return s.min
      if (a.kind === 'max') return s.max
      return null
  }
}

// Equality is approximate so thresholds written as decimals or percentages are not defeated by float
// rounding; the ordering operators use the same notion so that `<=` is exactly `<` or `==`.
function approxEqual(a: number, b: number): boolean {
  if (a === b) return true
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))
}

export function compareThreshold(actual: number, op: ThresholdOp, expected: number): boolean {
  const eq = approxEqual(actual, expected)
  switch (op) {
    case '<':
      return actual < expected && !eq
    case '<=':
      return actual < expected || eq
    case '>':
      return actual > expected && !eq
    case '>=':
      return actual > expected || eq
    case '==':
      return eq
    case '!=':
      return !eq
  }
}

/** The display unit of the aggregated value; `type` undefined means a custom metric not yet seen. */
export function displayUnit(type: MetricType | undefined, parsed: ParsedThreshold): string | undefined {
  const { aggregation, unit } = parsed
  if (aggregation.kind === 'count') return undefined
  if (type === 'trend') return 'ms'
  if (type === 'counter') return '/s'
  if (type === 'rate') return '%'
  if (unit !== undefined) return TIME_UNITS.has(unit) ? 'ms' : unit
  return type === undefined && (aggregation.kind === 'p' || aggregation.kind === 'med') ? 'ms' : undefined
}

export function thresholdOutcome(def: ThresholdDef, result: ThresholdResult): ThresholdOutcome {
  const outcome: ThresholdOutcome = {
    metric: def.metric,
    expression: def.parsed.source,
    ok: result.ok,
    actual: result.actual,
    abortOnFail: def.abortOnFail,
  }
  if (result.unit !== undefined) outcome.unit = result.unit
  if (result.note !== undefined) outcome.note = result.note
  return outcome
}

export function formatValue(value: number | null, unit: string | undefined): string {
  if (value === null) return '-'
  if (unit !== undefined && TIME_UNITS.has(unit)) return `${value.toFixed(2)}ms`
  if (unit === '%') return `${(value * 100).toFixed(2)}%`
  if (unit === '/s') return `${value.toFixed(1)}/s`
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

// Outcomes built by hand may lack a unit; recover it from the metric and expression when possible.
function unitOf(o: ThresholdOutcome): string | undefined {
  if (o.unit !== undefined) return o.unit
  try {
    return displayUnit(builtinMetricType(parseMetricKey(o.metric).name), parseThreshold(o.expression))
  } catch {
    return undefined
  }
}

function actualCell(o: ThresholdOutcome): string {
  const unit = unitOf(o)
  if (!o.window) return formatValue(o.actual, unit)
  const { failed, total, worst } = o.window
  const counted = `${failed}/${total} windows failed`
  return worst === null ? counted : `${counted}, worst ${formatValue(worst, unit)}`
}

export function formatThresholdTable(outcomes: ThresholdOutcome[]): string {
  const header = ['metric', 'threshold', 'actual', 'result']
  const rows = outcomes.map((o) => [
    o.metric,
    o.expression.trim().replace(/\s+/g, ' '),
    actualCell(o),
    (o.ok ? '✓ pass' : '✗ FAIL') + (o.note ? `  (${o.note})` : ''),
  ])
  // The last column holds notes of any length, so it is left unpadded and excluded from sizing.
  const widths = header.map((h, i) => (i === header.length - 1 ? h.length : Math.max(h.length, ...rows.map((r) => r[i].length))))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
  if (rows.length === 0) lines.push('(no thresholds defined)')
  return lines.join('\n')
}
