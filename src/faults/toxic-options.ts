import { parseOptions } from '../config/zod-problems.ts'
import { PerfFaultConfigError } from './proxy-errors.ts'
import { toxicAttributeSchemas, toxicSchema, toxicUnknownKey, type ToxicType } from './toxic-options-schema.ts'

export { TOXIC_TYPES, type ToxicType } from './toxic-options-schema.ts'

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

export type AttributesField<T extends ToxicType> = object extends ToxicAttributes[T]
  ? { attributes?: ToxicAttributes[T] }
  : { attributes: ToxicAttributes[T] }

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

/**
 * Checks a toxic as addToxic() receives it and fills in the defaults. Throws
 * PERF_FAULT_TOXIC_INVALID listing every problem at once.
 */
export function validateToxic(input: unknown): ToxicSpec {
  const parsed = parseOptions(toxicSchema, input, { unknownKey: toxicUnknownKey })
  if (!parsed.ok) {
    const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
    const name = o.name ?? `${String(o.type)}_${String(o.stream ?? 'downstream')}`
    const known = parsed.problems.every((p) => p.path !== 'type')
    throw new PerfFaultConfigError(
      'PERF_FAULT_TOXIC_INVALID',
      `toxic${typeof name === 'string' && known && o.type !== undefined ? ` "${name}"` : ''}`,
      parsed.problems,
    )
  }
  const { type, stream, toxicity, name, attributes } = parsed.data
  // The attributes were checked by the type's schema in toxicSchema; parse again for its defaults.
  const filled = parseOptions(toxicAttributeSchemas[type], attributes)
  return { name: name ?? `${type}_${stream}`, type, stream, toxicity, attributes: filled.ok ? filled.data : {} } as ToxicSpec
}
