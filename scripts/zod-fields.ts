import { z } from 'zod'
import { formatDuration } from '../src/core/duration.ts'

type Schema = z.core.$ZodType

// The parts of zod 4's `_zod.def` this walker reads; every kind of schema has a subset of them.
interface Def {
  type: string
  innerType?: Schema
  in?: Schema
  out?: Schema
  element?: Schema
  options?: readonly Schema[]
  shape?: Record<string, Schema>
  entries?: Record<string, string | number>
  values?: readonly unknown[]
  keyType?: Schema
  valueType?: Schema
  items?: readonly Schema[]
  checks?: readonly z.core.$ZodCheck[]
  defaultValue?: unknown
  getter?: () => Schema
}

interface CheckDef {
  check: string
  value?: number
  inclusive?: boolean
  format?: string
  pattern?: RegExp
  prefix?: string
  minimum?: number
  maximum?: number
  length?: number
  error?: () => unknown
}

/** One option of a config object; nested objects are flattened into dotted paths. */
export interface Field {
  path: string
  /** Markdown: literals in code spans. */
  type: string
  required: boolean
  /** Markdown, or undefined when the schema has no default. */
  default?: string
  /** From `.describe()` / `.meta({ description })` on the schema, when there is one. */
  description?: string
  /** Set when identical sibling options are listed once: `infra.<service>` stands for these keys. */
  placeholder?: { name: string; keys: string[] }
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def
const checkDefs = (schema: Schema): CheckDef[] => (defOf(schema).checks ?? []).map((c) => c._zod.def as unknown as CheckDef)
const code = (text: string): string => `\`${text}\``
const literal = (value: unknown): string => code(typeof value === 'string' ? `'${value}'` : String(value))

/** A duration in this code base: number | string piped into the transform that parses '30s'. */
function isDuration(schema: Schema): boolean {
  const def = defOf(schema)
  if (def.type !== 'pipe' || !def.in || !def.out || defOf(def.out).type !== 'transform') return false
  const input = defOf(def.in)
  const kinds = (input.options ?? []).map((o) => defOf(o).type).sort()
  return input.type === 'union' && kinds.join() === 'number,string'
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'catch', 'readonly', 'nonoptional'])

interface Unwrapped {
  core: Schema
  required: boolean
  hasDefault: boolean
  defaultValue?: unknown
  nullable: boolean
  description?: string
}

/** Strips optional/default/pipe wrappers; a pipe is documented by what the user writes (its input). */
export function unwrap(schema: Schema): Unwrapped {
  const result: Unwrapped = { core: schema, required: true, hasDefault: false, nullable: false }
  let current = schema
  for (;;) {
    result.description ??= z.globalRegistry.get(current)?.description
    const def = defOf(current)
    if (def.type === 'optional') result.required = false
    if ((def.type === 'default' || def.type === 'prefault') && !result.hasDefault) {
      Object.assign(result, { required: false, hasDefault: true, defaultValue: def.defaultValue })
    }
    if (def.type === 'nullable') result.nullable = true
    if (def.innerType && WRAPPERS.has(def.type)) current = def.innerType
    else if (def.type === 'lazy' && def.getter) current = def.getter()
    else if (def.type === 'pipe' && def.in && def.out && !isDuration(current))
      current = defOf(def.in).type === 'transform' ? def.out : def.in
    else return { ...result, core: current }
  }
}

function numberType(schema: Schema): string {
  let base = 'number'
  let min: string | undefined
  let max: string | undefined
  let low: number | undefined
  let high: number | undefined
  for (const c of checkDefs(schema)) {
    if (c.check === 'number_format' && c.format && /int/.test(c.format)) base = 'integer'
    if (c.check === 'greater_than' && c.value !== undefined)
      [min, low] = [`${c.inclusive ? '≥' : '>'} ${c.value}`, c.inclusive ? c.value : undefined]
    if (c.check === 'less_than' && c.value !== undefined)
      [max, high] = [`${c.inclusive ? '≤' : '<'} ${c.value}`, c.inclusive ? c.value : undefined]
  }
  if (low !== undefined && high !== undefined) return `${base} ${low}–${high}`
  return [base, [min, max].filter(Boolean).join(', ')].filter(Boolean).join(' ')
}

function stringType(schema: Schema): string {
  const parts: string[] = []
  let base = 'string'
  for (const c of checkDefs(schema)) {
    if (c.check === 'min_length' && c.minimum === 1) base = 'non-empty string'
    else if (c.check === 'min_length') parts.push(`at least ${c.minimum} characters`)
    else if (c.check === 'max_length') parts.push(`at most ${c.maximum} characters`)
    else if (c.check === 'string_format' && c.format === 'starts_with' && c.prefix !== undefined)
      parts.push(`starting with ${code(`'${c.prefix}'`)}`)
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) parts.push(`matching ${code(c.pattern.source)}`)
    else if (c.check === 'string_format' && c.format) base = c.format === 'url' ? 'URL' : `${c.format} string`
  }
  return [base, ...parts].join(' ')
}

/** Messages of `.refine()` checks, the only readable trace a custom rule leaves. */
function customRules(schema: Schema): string[] {
  const rules: string[] = []
  for (const c of checkDefs(schema)) {
    if (c.check !== 'custom' || typeof c.error !== 'function') continue
    try {
      const message = c.error()
      if (typeof message === 'string') rules.push(message)
    } catch {
      // an error map that needs the issue: nothing to show
    }
  }
  return rules
}

/** The type of a schema as Markdown, e.g. `integer ≥ 1`, `'drop' | 'queue'`, `duration`. */
export function typeOf(schema: Schema): string {
  const { core, nullable } = unwrap(schema)
  const def = defOf(core)
  const named = z.globalRegistry.get(core)?.typeName
  let type: string
  if (typeof named === 'string') type = named
  else if (isDuration(core)) type = ['duration', ...customRules(core).map((r) => `(${r})`)].join(' ')
  else if (def.type === 'number') type = numberType(core)
  else if (def.type === 'string') type = stringType(core)
  else if (def.type === 'enum')
    type = Object.values(def.entries ?? {})
      .map(literal)
      .join(' | ')
  else if (def.type === 'literal') type = (def.values ?? []).map(literal).join(' | ')
  else if (def.type === 'union') type = [...new Set((def.options ?? []).map(typeOf))].join(' | ')
  else if (def.type === 'array' && def.element) type = arrayType(core, def.element)
  else if (def.type === 'record' && def.keyType && def.valueType)
    type = code(`Record<${typeOf(def.keyType)}, ${typeOf(def.valueType)}>`.replace(/`/g, ''))
  else if (def.type === 'unknown' || def.type === 'any') type = 'any'
  else type = def.type
  return nullable ? `${type} | ${code('null')}` : type
}

function arrayType(schema: Schema, element: Schema): string {
  const shape = defOf(unwrap(element).core).shape
  const inner = typeOf(element)
  const min = checkDefs(schema).find((c) => c.check === 'min_length')?.minimum
  const list = shape ? code(`{ ${Object.keys(shape).join(', ')} }[]`) : inner.includes(' ') ? `(${inner})[]` : `${inner}[]`
  return min ? `${list}, at least ${min}` : list
}

/** The object whose options are listed under a field: an object, the object of a union, an array's element. */
function childObject(schema: Schema): { shape: Record<string, Schema>; suffix: string } | undefined {
  const def = defOf(unwrap(schema).core)
  if (def.type === 'object' && def.shape) return { shape: def.shape, suffix: '' }
  if (def.type === 'array' && def.element) {
    const element = childObject(def.element)
    return element && { shape: element.shape, suffix: `[]${element.suffix}` }
  }
  if (def.type === 'union')
    for (const option of def.options ?? []) {
      const found = childObject(option)
      if (found) return found
    }
  return undefined
}

function formatDefault(value: unknown, core: Schema): string {
  if (typeof value === 'number' && isDuration(core)) return code(`'${formatDuration(value)}'`)
  if (typeof value === 'string') return code(`'${value}'`)
  if (Array.isArray(value)) return code(`[${value.map((v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))).join(', ')}]`)
  return code(JSON.stringify(value))
}

/** Sibling keys with the same object-bearing schema are listed once under a placeholder. */
function groupKey(schema: Schema): unknown {
  const u = unwrap(schema)
  if (!childObject(schema)) return undefined
  return `${u.required}|${JSON.stringify(u.defaultValue)}`
}

/**
 * Every option of an object schema, depth first: `infra.<service>.provider`, `stages[].target`.
 * `placeholders` names the placeholder of a group of identical siblings by the parent's path.
 */
export function fieldsOf(shape: Record<string, Schema>, prefix = '', placeholders: Record<string, string> = {}): Field[] {
  const fields: Field[] = []
  const keys = Object.keys(shape)
  const done = new Set<string>()
  for (const key of keys) {
    if (done.has(key)) continue
    const schema = shape[key]
    const u = unwrap(schema)
    const tag = groupKey(schema)
    const same = tag === undefined ? [key] : keys.filter((k) => unwrap(shape[k]).core === u.core && groupKey(shape[k]) === tag)
    same.forEach((k) => done.add(k))
    const parent = prefix.replace(/\.$/, '')
    const name = same.length > 1 ? `<${placeholders[parent] ?? 'key'}>` : key
    const path = `${prefix}${name}`
    fields.push({
      path,
      type: typeOf(schema),
      required: u.required,
      default: u.hasDefault ? formatDefault(u.defaultValue, u.core) : undefined,
      description: u.description,
      placeholder: same.length > 1 ? { name, keys: same } : undefined,
    })
    const child = childObject(schema)
    if (child) fields.push(...fieldsOf(child.shape, `${path}${child.suffix}.`, placeholders))
  }
  return fields
}

/** The options of an object schema (wrappers and pipes stripped), in declaration order. */
export function shapeOf(schema: Schema): Record<string, Schema> {
  const child = childObject(schema)
  if (!child) throw new Error(`expected an object schema, got ${defOf(unwrap(schema).core).type}`)
  return child.shape
}
