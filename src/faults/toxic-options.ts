import type { ConfigProblem } from '../errors.ts'
import { PerfFaultConfigError } from './proxy-errors.ts'

/** Toxiproxy's names, so its users recognise them; `down` stands for a disabled proxy. */
export const TOXIC_TYPES = ['latency', 'bandwidth', 'timeout', 'reset_peer', 'slow_close', 'slicer', 'limit_data', 'down'] as const
export type ToxicType = (typeof TOXIC_TYPES)[number]

/** `upstream`: client → server; `downstream`: server → client (Toxiproxy's default). */
export type ToxicStream = 'upstream' | 'downstream'

/** Attributes per toxic type, in Toxiproxy's units. */
export interface ToxicAttributes {
  /** Delay of every chunk in ms, ± up to `jitter` ms (uniform). */
  latency: { latency: number; jitter?: number }
  /** At most `rate` KB/s (1 KB = 1000 bytes). */
  bandwidth: { rate: number }
  /** Drops all data; closes the connection after `timeout` ms, or never when 0 (until the toxic is removed). */
  timeout: { timeout?: number }
  /** Resets the connection (TCP RST) `timeout` ms after the next data, at once when 0. */
  reset_peer: { timeout?: number }
  /** Delays the close (FIN) by `delay` ms. */
  slow_close: { delay?: number }
  /** Cuts data into pieces of `average_size` ± `size_variation` bytes, `delay` µs apart. */
  slicer: { average_size: number; size_variation?: number; delay?: number }
  /** Closes the connection once `bytes` bytes have passed. */
  limit_data: { bytes: number }
  /** Refuses connections and closes open ones while present. */
  down: Record<never, never>
}

type AttributesField<T extends ToxicType> = object extends ToxicAttributes[T] ? { attributes?: ToxicAttributes[T] } : { attributes: ToxicAttributes[T] }

/** What addToxic() takes: the fields of a Toxiproxy toxic. */
export type ToxicOptions = {
  [T in ToxicType]: {
    type: T
    /** Defaults to `<type>_<stream>`, as Toxiproxy names them. */
    name?: string
    /** Default `downstream`. */
    stream?: ToxicStream
    /** Probability (0…1) that the toxic applies to a connection, drawn once per connection. Default 1. */
    toxicity?: number
  } & AttributesField<T>
}[ToxicType]

/** A validated toxic: every default filled in. */
export interface ToxicSpec<T extends ToxicType = ToxicType> {
  name: string
  type: T
  stream: ToxicStream
  toxicity: number
  attributes: Required<ToxicAttributes[T]>
}

interface AttributeRule {
  required: boolean
  unit: string
  integer: boolean
  min: number
}

// setTimeout fires at once beyond 2^31-1 ms; larger values cannot be honoured.
const MAX_MS = 2_147_483_647
const rule = (unit: string, options: { required?: boolean; integer?: boolean; min?: number } = {}): AttributeRule => ({
  required: options.required ?? false,
  unit,
  integer: options.integer ?? false,
  min: options.min ?? 0,
})

const RULES: { [T in ToxicType]: Record<keyof ToxicAttributes[T] & string, AttributeRule> } = {
  latency: { latency: rule('milliseconds', { required: true }), jitter: rule('milliseconds') },
  bandwidth: { rate: rule('KB/s', { required: true, min: Number.MIN_VALUE }) },
  timeout: { timeout: rule('milliseconds') },
  reset_peer: { timeout: rule('milliseconds') },
  slow_close: { delay: rule('milliseconds') },
  slicer: { average_size: rule('bytes', { required: true, integer: true, min: 1 }), size_variation: rule('bytes', { integer: true }), delay: rule('microseconds') },
  limit_data: { bytes: rule('bytes', { required: true, integer: true }) },
  down: {},
}

const KNOWN_FIELDS = ['type', 'name', 'stream', 'toxicity', 'attributes']
const ATTRIBUTE_NAMES = new Set(Object.values(RULES).flatMap((r) => Object.keys(r)))

function checkAttribute(path: string, value: unknown, r: AttributeRule, problems: ConfigProblem[]): void {
  const expected = `a${r.integer ? ' whole' : ''} number of ${r.unit} ${r.min > 0 && r.min < 1 ? '> 0' : `≥ ${r.min}`}`
  if (typeof value === 'string' && /^\s*\d/.test(value)) {
    problems.push({ path, message: `must be ${expected}, got the string ${JSON.stringify(value)}; write the number alone (${parseFloat(value)})` })
  } else if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({ path, message: `must be ${expected}, got ${JSON.stringify(value) ?? String(value)}` })
  } else if (value < r.min || (r.integer && !Number.isInteger(value))) {
    problems.push({ path, message: `must be ${expected}, got ${value}` })
  } else if (r.unit !== 'bytes' && r.unit !== 'KB/s' && value > (r.unit === 'microseconds' ? MAX_MS * 1000 : MAX_MS)) {
    problems.push({ path, message: `must be at most ${MAX_MS} ms (about 24.8 days, the longest Node timer), got ${value}` })
  }
}

/**
 * Checks a toxic as addToxic() receives it and fills in the defaults. Throws
 * PERF_FAULT_TOXIC_INVALID listing every problem at once.
 */
export function validateToxic(input: unknown): ToxicSpec {
  const problems: ConfigProblem[] = []
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PerfFaultConfigError('PERF_FAULT_TOXIC_INVALID', 'toxic', [{ path: '', message: `must be an object like { type: 'latency', attributes: { latency: 100 } }, got ${JSON.stringify(input) ?? String(input)}` }])
  }
  const o = input as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!KNOWN_FIELDS.includes(key)) problems.push({ path: key, message: `unknown field; a toxic has ${KNOWN_FIELDS.join(', ')}${ATTRIBUTE_NAMES.has(key) ? ` (put ${key} under attributes)` : ''}` })
  }
  const type = o.type as ToxicType
  const known = (TOXIC_TYPES as readonly unknown[]).includes(type)
  if (!known) problems.push({ path: 'type', message: `must be one of ${TOXIC_TYPES.join(', ')}, got ${JSON.stringify(o.type) ?? 'nothing'}` })
  const stream = o.stream ?? 'downstream'
  if (stream !== 'upstream' && stream !== 'downstream') problems.push({ path: 'stream', message: `must be 'upstream' (client → server) or 'downstream' (server → client), got ${JSON.stringify(stream)}` })
  const toxicity = o.toxicity ?? 1
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) {
    problems.push({ path: 'toxicity', message: `must be a probability from 0 to 1, got ${JSON.stringify(toxicity) ?? String(toxicity)}` })
  } else if (type === 'down' && toxicity !== 1) {
    problems.push({ path: 'toxicity', message: `must be 1 for down: it takes the whole proxy down, not single connections (use reset_peer with a toxicity for those)` })
  }
  const name = o.name ?? `${String(o.type)}_${String(stream)}`
  if (typeof name !== 'string' || name.trim() === '') problems.push({ path: 'name', message: `must be a non-empty string, got ${JSON.stringify(name)}` })

  const attributes: Record<string, number> = {}
  const given = o.attributes ?? {}
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push({ path: 'attributes', message: `must be an object, got ${JSON.stringify(given)}` })
  } else if (known) {
    const rules = RULES[type] as Record<string, AttributeRule>
    const names = Object.keys(rules)
    for (const [key, value] of Object.entries(given)) {
      if (!(key in rules)) {
        problems.push({ path: `attributes.${key}`, message: names.length === 0 ? `${type} takes no attributes` : `unknown attribute for ${type}; it takes ${names.join(', ')}` })
      } else if (value !== undefined) {
        checkAttribute(`attributes.${key}`, value, rules[key], problems)
        attributes[key] = value as number
      }
    }
    for (const [key, r] of Object.entries(rules)) {
      if (attributes[key] !== undefined) continue
      if (r.required && (given as Record<string, unknown>)[key] === undefined) problems.push({ path: `attributes.${key}`, message: `is required for ${type} (a number of ${r.unit})` })
      attributes[key] = 0
    }
    if (type === 'slicer' && problems.length === 0 && attributes.size_variation >= attributes.average_size) {
      problems.push({ path: 'attributes.size_variation', message: `must be smaller than average_size (${attributes.average_size}), got ${attributes.size_variation}` })
    }
  }
  if (problems.length > 0) throw new PerfFaultConfigError('PERF_FAULT_TOXIC_INVALID', `toxic${typeof name === 'string' && known ? ` "${name}"` : ''}`, problems)
  return { name: name as string, type, stream: stream as ToxicStream, toxicity: toxicity as number, attributes } as ToxicSpec
}
