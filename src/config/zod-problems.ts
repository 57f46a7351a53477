import type { z } from 'zod'
import type { ConfigProblem } from '../core/errors.ts'

type Schema = z.core.$ZodType
type Issue = z.core.$ZodIssue

// The parts of zod 4's `_zod.def` the key lookup reads.
interface Def {
  type: string
  innerType?: Schema
  in?: Schema
  out?: Schema
  element?: Schema
  options?: readonly Schema[]
  shape?: Record<string, Schema>
  valueType?: Schema
  values?: readonly unknown[]
  left?: Schema
  right?: Schema
  getter?: () => Schema
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'catch', 'readonly', 'nonoptional'])

/** `stages[1].target`: how every ConfigProblem names where the problem is. */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    prefix,
  )
}

/** A value as the messages show it: strings quoted, functions and undefined by name. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * Edits from one key to another: insert, delete, replace, or swap two neighbours (`slto` → `slot`
 * is one), plus a cheap case fold: `maxvus` and `maxVUs` are one edit apart.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.toLowerCase() === b.toLowerCase()) return 1
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The known keys closest to a misspelt one, when close enough to be what was meant (ties all named). */
export function didYouMean(key: string, known: readonly string[]): string[] {
  // A quarter of the letters: more suggests unrelated keys (constant-rate → constant-vus).
  const limit = Math.max(1, Math.floor(key.length / 4))
  const scored = known.map((name) => ({ name, distance: editDistance(key, name) })).filter((c) => c.distance <= limit)
  const best = Math.min(...scored.map((c) => c.distance))
  return scored.filter((c) => c.distance === best).map((c) => c.name)
}

/** The schema that validates values: wrappers, pipes and lazies stripped. */
function core(schema: Schema): Schema {
  for (;;) {
    const def = defOf(schema)
    if (def.innerType && WRAPPERS.has(def.type)) schema = def.innerType
    else if (def.type === 'lazy' && def.getter) schema = def.getter()
    else if (def.type === 'pipe' && def.in && def.out) schema = defOf(def.in).type === 'transform' ? def.out : def.in
    else return schema
  }
}

/** The object branches of a union that fit `value`: a literal field such as `type: 'latency'` must match. */
function objectBranches(schema: Schema, value: unknown): Schema[] {
  const def = defOf(core(schema))
  if (def.type === 'object') return [core(schema)]
  if (def.type === 'intersection' && def.left && def.right) return [...objectBranches(def.left, value), ...objectBranches(def.right, value)]
  if (def.type !== 'union') return []
  const all = (def.options ?? []).flatMap((o) => objectBranches(o, value))
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  const fitting = all.filter((o) =>
    Object.entries(defOf(o).shape ?? {}).every(([key, field]) => {
      const f = defOf(core(field))
      return f.type !== 'literal' || record[key] === undefined || (f.values ?? []).includes(record[key])
    }),
  )
  return fitting.length > 0 ? fitting : all
}

/** The keys the object schema at `path` accepts; `input` picks the branch of a union. */
export function knownKeysAt(schema: Schema, path: readonly PropertyKey[], input: unknown): string[] {
  let schemas = [schema]
  let value = input
  for (const key of path) {
    const next: Schema[] = []
    for (const s of schemas) {
      const def = defOf(core(s))
      if (typeof key === 'number' && def.type === 'array' && def.element) next.push(def.element)
      else if (def.type === 'record' && def.valueType) next.push(def.valueType)
      else for (const o of objectBranches(s, value)) if (defOf(o).shape?.[String(key)]) next.push(defOf(o).shape![String(key)])
    }
    schemas = next
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined
  }
  return [...new Set(schemas.flatMap((s) => objectBranches(s, value).flatMap((o) => Object.keys(defOf(o).shape ?? {}))))]
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  function: 'a function',
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }, big: boolean): string {
  const n = big ? issue.maximum : issue.minimum
  if (issue.origin === 'array' || issue.origin === 'set') return big ? `must list at most ${n}` : `must list at least ${n}`
  if (issue.origin === 'string')
    return n === 1 && !big ? 'must not be empty' : `must be ${big ? 'at most' : 'at least'} ${n} characters long`
  if (big) return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`
  return issue.inclusive === false ? `must be greater than ${n}` : `must be at least ${n}`
}

/**
 * Messages for zod's own issues in the project's words ("must be at least 1, got 0"); a message
 * written in a schema takes precedence over this map, as zod's precedence rules say.
 */
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  const got = `, got ${show(issue.input)}`
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}${got}`
    case 'too_small':
      return `${bound(issue, false)}${got}`
    case 'too_big':
      return `${bound(issue, true)}${got}`
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${show(issue.values[0])}${got}`
        : `must be one of ${issue.values.map(show).join(', ')}${got}`
    case 'invalid_format':
      if (issue.format === 'starts_with' && 'prefix' in issue) return `must start with ${show(issue.prefix)}${got}`
      if (issue.format === 'ends_with' && 'suffix' in issue) return `must end with ${show(issue.suffix)}${got}`
      if (issue.format === 'includes' && 'includes' in issue) return `must contain ${show(issue.includes)}${got}`
      return issue.format === 'regex' && 'pattern' in issue
        ? `must match ${String(issue.pattern)}${got}`
        : `must be a valid ${issue.format}${got}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}${got}`
    default:
      return undefined
  }
}

export interface ProblemOptions {
  /** Put before every path, e.g. `perf()` or `faults[2]`. */
  prefix?: string
  /**
   * The whole message for an unknown key when there is more to say ("put port under upstream");
   * `path` is the object's, `help` the did-you-mean or the list of known keys.
   */
  unknownKey?: (key: string, path: string, help: string) => string | undefined
}

/**
 * A union none of whose branches fit: when exactly one branch accepted the kind of value (an
 * object, say) and failed inside it or on a rule, its issues tell what is wrong.
 */
function unionIssues(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const rejected = (branch: readonly Issue[]) =>
    branch.every(
      (i) =>
        i.path.length === 0 &&
        (i.code === 'invalid_type' || i.code === 'invalid_value' || (i.code === 'custom' && /^Invalid input/.test(i.message))),
    )
  const fitting = issue.errors.filter((branch) => branch.length > 0 && !rejected(branch))
  if (fitting.length !== 1) return undefined
  return fitting[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }))
}

function unionMessage(issue: Extract<Issue, { code: 'invalid_union' }>, input: unknown): string {
  if (issue.message && !/^Invalid input/.test(issue.message)) return issue.message
  if (input === undefined) return 'is required'
  const expected = new Set<string>()
  for (const branch of issue.errors) {
    for (const i of branch) if (i.path.length === 0 && i.code === 'invalid_type') expected.add(TYPE_NAMES[i.expected] ?? i.expected)
    for (const i of branch) if (i.path.length === 0 && i.code === 'invalid_value') i.values.forEach((v) => expected.add(show(v)))
  }
  const got = `, got ${show(input)}`
  return expected.size > 0 ? `must be ${[...expected].join(' or ')}${got}` : `does not fit any of the accepted forms${got}`
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined
  return value
}

/** zod's issues as ConfigProblems: one per unknown key (with a did-you-mean), unions narrowed to their closest branch. */
export function zodProblems(schema: Schema, issues: readonly Issue[], input: unknown, options: ProblemOptions = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path, input)
      for (const key of issue.keys) {
        const path = issuePath([...issue.path, key], options.prefix)
        const near = didYouMean(key, known)
        const help =
          near.length > 0
            ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
            : known.length > 0
              ? `the options here are ${known.join(', ')}`
              : 'nothing is accepted here'
        problems.push({ path, message: options.unknownKey?.(key, issuePath(issue.path), help) ?? `unknown option '${key}'; ${help}` })
      }
      continue
    }
    if (issue.code === 'invalid_union') {
      const custom = !/^Invalid input/.test(issue.message)
      const inner = custom ? undefined : unionIssues(issue)
      if (inner) problems.push(...zodProblems(schema, inner, input, options))
      else problems.push({ path: issuePath(issue.path, options.prefix), message: unionMessage(issue, valueAt(input, issue.path)) })
      continue
    }
    problems.push({ path: issuePath(issue.path, options.prefix), message: issue.message })
  }
  return problems
}

export type ParseOutcome<T> = { ok: true; data: T } | { ok: false; problems: ConfigProblem[] }

/** Parses with the project's messages; never throws, every problem of `input` is listed. */
export function parseOptions<S extends Schema>(schema: S, input: unknown, options: ProblemOptions = {}): ParseOutcome<z.output<S>> {
  const parsed = (schema as unknown as z.ZodType).safeParse(input, { error: errorMap })
  if (parsed.success) return { ok: true, data: parsed.data as z.output<S> }
  return { ok: false, problems: zodProblems(schema, parsed.error.issues, input, options) }
}

/**
 * Adds the problems of a nested parseOptions() to a refinement, so they show under the outer
 * path: for values whose schema depends on another field (a toxic's attributes, by type).
 */
export function addProblems(
  ctx: { addIssue(issue: z.core.$ZodRawIssue): void },
  problems: readonly ConfigProblem[],
  under: PropertyKey[] = [],
): void {
  for (const p of problems)
    ctx.addIssue({ code: 'custom', input: undefined, path: p.path === '' ? under : [...under, p.path], message: p.message })
}
