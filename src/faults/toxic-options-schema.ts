import { z } from 'zod'
import { addProblems, parseOptions, show } from '../config/zod-problems.ts'

/** Toxiproxy's names, so its users recognise them; `down` stands for a disabled proxy. */
export const TOXIC_TYPES = ['latency', 'bandwidth', 'timeout', 'reset_peer', 'slow_close', 'slicer', 'limit_data', 'down'] as const
export type ToxicType = (typeof TOXIC_TYPES)[number]

// setTimeout fires at once beyond 2^31-1 ms; larger values cannot be honoured.
const MAX_MS = 2_147_483_647

interface Rule {
  unit: 'milliseconds' | 'microseconds' | 'bytes' | 'KB/s'
  required?: boolean
  integer?: boolean
  /** Greater than 0 rather than at least `min`. */
  positive?: boolean
  min?: number
}

/** One attribute in Toxiproxy's units; every way it can be wrong gets the same clear message. */
function attribute(type: ToxicType, rule: Rule, description: string): z.ZodType<number> {
  const min = rule.min ?? 0
  const expected = `a${rule.integer ? ' whole' : ''} number of ${rule.unit} ${rule.positive ? '> 0' : `≥ ${min}`}`
  const wrong = (v: unknown) => {
    if (v === undefined) return `is required for ${type} (a number of ${rule.unit})`
    if (typeof v === 'string' && /^\s*\d/.test(v))
      return `must be ${expected}, got the string ${JSON.stringify(v)}; write the number alone (${parseFloat(v)})`
    return `must be ${expected}, got ${show(v)}`
  }
  const e = { error: (issue: { input?: unknown }) => wrong(issue.input) }
  let schema = z.number(e)
  if (rule.integer) schema = schema.int(e)
  schema = rule.positive ? schema.positive(e) : schema.min(min, e)
  if (rule.unit === 'milliseconds' || rule.unit === 'microseconds') {
    const max = rule.unit === 'microseconds' ? MAX_MS * 1000 : MAX_MS
    schema = schema.max(max, {
      error: (issue) => `must be at most ${MAX_MS} ms (about 24.8 days, the longest Node timer), got ${show(issue.input)}`,
    })
  }
  const described = schema.describe(description)
  return rule.required ? described : described.default(0)
}

/** Attributes per toxic type, in Toxiproxy's units; missing optional ones are 0. */
export const toxicAttributeSchemas = {
  latency: z.strictObject({
    latency: attribute('latency', { unit: 'milliseconds', required: true }, 'Delay of every chunk, in ms.'),
    jitter: attribute('latency', { unit: 'milliseconds' }, 'Each delay varies by up to ± this many ms (uniform).'),
  }),
  bandwidth: z.strictObject({
    rate: attribute('bandwidth', { unit: 'KB/s', required: true, positive: true }, 'At most this many KB/s (1 KB = 1000 bytes).'),
  }),
  timeout: z.strictObject({
    timeout: attribute('timeout', { unit: 'milliseconds' }, 'Drops all data; closes the connection after this many ms, or never when 0.'),
  }),
  reset_peer: z.strictObject({
    timeout: attribute(
      'reset_peer',
      { unit: 'milliseconds' },
      'Resets the connection (TCP RST) this many ms after the next data, at once when 0.',
    ),
  }),
  slow_close: z.strictObject({ delay: attribute('slow_close', { unit: 'milliseconds' }, 'Delays the close (FIN) by this many ms.') }),
  slicer: z
    .strictObject({
      average_size: attribute('slicer', { unit: 'bytes', required: true, integer: true, min: 1 }, 'Average size of a piece, in bytes.'),
      size_variation: attribute(
        'slicer',
        { unit: 'bytes', integer: true },
        'Pieces vary by up to ± this many bytes; smaller than average_size.',
      ),
      delay: attribute('slicer', { unit: 'microseconds' }, 'Pause between pieces, in µs.'),
    })
    .refine((a) => a.size_variation < a.average_size, {
      path: ['size_variation'],
      error: (issue) => {
        const a = issue.input as { average_size: number; size_variation: number }
        return `must be smaller than average_size (${a.average_size}), got ${a.size_variation}`
      },
    }),
  limit_data: z.strictObject({
    bytes: attribute(
      'limit_data',
      { unit: 'bytes', required: true, integer: true },
      'Closes the connection once this many bytes have passed.',
    ),
  }),
  down: z.strictObject({}),
} satisfies Record<ToxicType, z.ZodType>

const topLevel = ['type', 'name', 'stream', 'toxicity', 'attributes']
const attributeNames = new Set(Object.values(toxicAttributeSchemas).flatMap((s) => Object.keys(s.shape)))

/** What addToxic() takes; `attributes` are checked against the type's schema (toxicAttributeSchemas). */
export const toxicSchema = z
  .strictObject(
    {
      type: z
        .enum(TOXIC_TYPES, { error: (issue) => `must be one of ${TOXIC_TYPES.join(', ')}, got ${show(issue.input)}` })
        .describe('What the toxic does; the attributes depend on it (see below).'),
      name: z
        .string({ error: (issue) => `must be a non-empty string, got ${show(issue.input)}` })
        .trim()
        .min(1, { error: () => 'must be a non-empty string, got ""' })
        .optional()
        .describe('Defaults to `<type>_<stream>`, as Toxiproxy names toxics.'),
      stream: z
        .enum(['upstream', 'downstream'], {
          error: (issue) => `must be 'upstream' (client → server) or 'downstream' (server → client), got ${show(issue.input)}`,
        })
        .default('downstream')
        .describe('`upstream`: client → server; `downstream`: server → client.'),
      toxicity: z
        .number({ error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
        .min(0, { error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
        .max(1, { error: (issue) => `must be a probability from 0 to 1, got ${show(issue.input)}` })
        .default(1)
        .describe('Probability that the toxic applies to a connection, drawn once per connection; must be 1 for `down`.'),
      attributes: z
        .record(z.string(), z.unknown(), { error: (issue) => `must be an object, got ${show(issue.input)}` })
        .default({})
        .describe('The attributes of the type, in Toxiproxy’s units.'),
    },
    { error: (issue) => `must be an object like { type: 'latency', attributes: { latency: 100 } }, got ${show(issue.input)}` },
  )
  // Runs even when other fields are wrong, so every problem of the toxic is listed at once.
  .superRefine(
    (toxic, ctx) => {
      const type = toxic.type as unknown
      if (!(TOXIC_TYPES as readonly unknown[]).includes(type)) return
      if (type === 'down' && toxic.toxicity !== 1 && typeof toxic.toxicity === 'number' && toxic.toxicity >= 0 && toxic.toxicity <= 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['toxicity'],
          message: 'must be 1 for down: it takes the whole proxy down, not single connections (use reset_peer with a toxicity for those)',
        })
      }
      const given = toxic.attributes as unknown
      if (typeof given !== 'object' || given === null || Array.isArray(given)) return
      const parsed = parseOptions(toxicAttributeSchemas[type as ToxicType], given, {
        unknownKey: (key, _, help) => attributeProblem(type as ToxicType, help),
      })
      if (!parsed.ok) addProblems(ctx, parsed.problems, ['attributes'])
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  )

function attributeProblem(type: ToxicType, help: string): string {
  const names = Object.keys(toxicAttributeSchemas[type].shape)
  if (names.length === 0) return `${type} takes no attributes`
  return `unknown attribute for ${type}; it takes ${names.join(', ')}${help.startsWith('did you mean') ? ` (${help})` : ''}`
}

/** A key given beside the attributes it belongs among. */
export function toxicUnknownKey(key: string, path: string, help: string): string | undefined {
  if (path !== '') return undefined
  return `unknown option '${key}'; ${attributeNames.has(key) ? `put ${key} under attributes` : `a toxic has ${topLevel.join(', ')} (${help})`}`
}
