import { PerfThresholdSyntaxError } from '../core/errors.ts'
import type { ConfigProblem } from '../core/errors.ts'
import type { MetricType } from '../core/metric-snapshot.ts'
import { metricKey } from '../core/metric-key.ts'
import { parseDuration } from '../core/duration.ts'
import { parseThreshold, tryParseMetricKey } from './parse.ts'
import type { Aggregation, ParsedThreshold } from './parse.ts'

export interface ThresholdDef {
  /** Canonical key: tags sorted by name. */
  metric: string
  name: string
  tags: Record<string, string>
  parsed: ParsedThreshold
  abortOnFail: boolean
  delayAbortEvalMs: number
  /** Where the expression was written (`thresholds.errors[0]`), for messages. */
  path: string
}

export const BUILTIN_METRIC_TYPES: Readonly<Record<string, MetricType>> = Object.freeze({
  latency: 'trend',
  service_time: 'trend',
  errors: 'rate',
  iterations: 'counter',
  dropped: 'counter',
  throughput: 'gauge',
})

export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly Aggregation['kind'][]>> = Object.freeze({
  trend: ['p', 'avg', 'med', 'min', 'max', 'count'],
  rate: ['rate', 'count'],
  counter: ['count', 'rate'],
  gauge: ['value', 'avg', 'min', 'max'],
})

const TIME_UNITS = new Set(['us', 'µs', 'μs', 'ms', 's', 'm', 'h'])
const OPTION_KEYS = new Set(['threshold', 'abortOnFail', 'delayAbortEval'])

export function builtinMetricType(name: string): MetricType | undefined {
  return Object.hasOwn(BUILTIN_METRIC_TYPES, name) ? BUILTIN_METRIC_TYPES[name] : undefined
}

export function aggregationLabel(aggregation: Aggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.p})` : aggregation.kind
}

/** Why `parsed` cannot be evaluated on a metric of `type`, or undefined when it can. */
export function checkAgainstType(metric: string, type: MetricType, parsed: ParsedThreshold): string | undefined {
  const { aggregation, unit } = parsed
  const supported = AGGREGATIONS_BY_TYPE[type]
  if (!supported.includes(aggregation.kind)) {
    const list = supported.map((k) => (k === 'p' ? 'p(N)' : k)).join(', ')
    return `metric "${metric}" is a ${type} metric and supports ${list}; the threshold uses ${aggregationLabel(aggregation)}`
  }
  if (unit === undefined || aggregation.kind === 'count') return undefined
  if (type === 'trend' && !TIME_UNITS.has(unit)) {
    return `metric "${metric}" is a trend measured in milliseconds; use a time unit (us, ms, s, m, h) or none, not "${unit}"`
  }
  if (type === 'counter' && aggregation.kind === 'rate' && unit !== '/s') {
    return `the rate of counter metric "${metric}" is per second; use /s or no unit, not "${unit}"`
  }
  if (type === 'rate' && aggregation.kind === 'rate' && unit !== '%') {
    return `the rate of rate metric "${metric}" is a fraction; use % or a number between 0 and 1, not "${unit}"`
  }
  return undefined
}

/** Never throws: every problem in `input` is reported with its path, and only sound thresholds become defs. */
export function compileThresholds(
  input: unknown,
  path = 'thresholds',
): { defs: ThresholdDef[]; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const defs: ThresholdDef[] = []
  const problems: ConfigProblem[] = []
  const warnings: ConfigProblem[] = []
  if (input === undefined) return { defs, problems, warnings }
  if (!isPlainObject(input)) {
    problems.push({
      path,
      message: `must be an object mapping metric keys to thresholds, e.g. { latency: ['p(95)<200ms'] }; got ${describe(input)}`,
    })
    return { defs, problems, warnings }
  }
  for (const [key, value] of Object.entries(input)) {
    const keyPath = path + propertyPath(key)
    const parsedKey = tryParseMetricKey(key)
    if (!parsedKey.ok) {
      problems.push({
        path: keyPath,
        message:
          `invalid metric key "${key}" at position ${parsedKey.position}: expected ${parsedKey.expected}. ` +
          `Metric keys look like latency or db{table:orders,op:insert}`,
      })
      continue
    }
    const target: Target = {
      metric: metricKey(parsedKey.name, parsedKey.tags),
      name: parsedKey.name,
      tags: parsedKey.tags,
      type: builtinMetricType(parsedKey.name),
    }
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => compileOne(item, `${keyPath}[${i}]`, target, defs, problems))
    } else {
      compileOne(value, keyPath, target, defs, problems)
    }
  }
  for (const def of defs) {
    const why = neverFails(def)
    if (why) warnings.push({ path: def.path, message: `"${def.parsed.source}" ${why}` })
  }
  return { defs, problems, warnings }
}

/**
 * Why a threshold can never fail (or only when every iteration fails), or nothing: usually a
 * fraction written as a percentage (`rate<1` for "below 1 %", which means below 100 %).
 */
export function neverFails(def: ThresholdDef): string | undefined {
  const { aggregation, op, value, unit } = def.parsed
  const type = builtinMetricType(def.name) ?? (unit === '%' ? 'rate' : undefined)
  if (aggregation.kind === 'rate' && type === 'rate') {
    const fix = `a rate is a fraction (1 = 100 %); did you mean "rate${op}${value / 100}" or "rate${op}${value}%"?`
    if ((op === '<' && value > 1) || (op === '<=' && value >= 1)) return `can never fail: ${fix}`
    if (op === '<' && value === 1) return `fails only when every iteration fails: ${fix}`
    if ((op === '>' && value < 0) || (op === '>=' && value <= 0)) return 'can never fail: a rate is never below 0'
  }
  if (aggregation.kind === 'count' && ((op === '>=' && value <= 0) || (op === '>' && value < 0)))
    return 'can never fail: a count is never below 0'
  return undefined
}

interface Target {
  metric: string
  name: string
  tags: Record<string, string>
  type: MetricType | undefined
}

function compileOne(item: unknown, itemPath: string, target: Target, defs: ThresholdDef[], problems: ConfigProblem[]) {
  let expression: unknown = item
  let expressionPath = itemPath
  let abortOnFail = false
  let delayAbortEvalMs = 0
  const before = problems.length

  if (isPlainObject(item)) {
    expression = item.threshold
    expressionPath = `${itemPath}.threshold`
    for (const k of Object.keys(item)) {
      if (!OPTION_KEYS.has(k)) {
        problems.push({ path: `${itemPath}.${k}`, message: 'unknown option; expected threshold, abortOnFail or delayAbortEval' })
      }
    }
    if (item.abortOnFail !== undefined) {
      if (typeof item.abortOnFail === 'boolean') abortOnFail = item.abortOnFail
      else problems.push({ path: `${itemPath}.abortOnFail`, message: `must be true or false; got ${describe(item.abortOnFail)}` })
    }
    if (item.delayAbortEval !== undefined) {
      const ms = parseDuration(item.delayAbortEval)
      if (ms !== undefined) delayAbortEvalMs = ms
      else {
        problems.push({
          path: `${itemPath}.delayAbortEval`,
          message: `must be a duration like 10s, 1m30s or 500ms, or a number of milliseconds >= 0; got ${describe(item.delayAbortEval)}`,
        })
      }
    }
    if (typeof expression !== 'string') {
      problems.push({
        path: expressionPath,
        message: `is required and must be a threshold expression like "p(95)<200ms"; got ${describe(expression)}`,
      })
      return
    }
  } else if (typeof item !== 'string') {
    problems.push({
      path: itemPath,
      message:
        'must be a threshold expression like "p(95)<200ms", an object { threshold, abortOnFail?, delayAbortEval? }, ' +
        `or an array of those; got ${describe(item)}`,
    })
    return
  }

  let parsed: ParsedThreshold
  try {
    parsed = parseThreshold(expression as string)
  } catch (err) {
    if (!(err instanceof PerfThresholdSyntaxError)) throw err
    problems.push({ path: expressionPath, message: err.message })
    return
  }
  if (target.type !== undefined) {
    const mismatch = checkAgainstType(target.name, target.type, parsed)
    if (mismatch) problems.push({ path: expressionPath, message: mismatch })
  }
  if (problems.length > before) return
  defs.push({ metric: target.metric, name: target.name, tags: target.tags, parsed, abortOnFail, delayAbortEvalMs, path: expressionPath })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'function') return 'a function'
  return `${typeof value} ${String(value)}`
}
