import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CONFIG_DOC, configReference } from '../../scripts/config-reference.ts'
import { fieldsOf, shapeOf } from '../../scripts/zod-fields.ts'
import { duration, executorSchemas } from '../../src/config/schemas.ts'

const committed = readFileSync(CONFIG_DOC, 'utf8')

/** The text of `### <name>` up to the next heading of the same or a higher level. */
function section(doc: string, name: string): string | undefined {
  const start = doc.indexOf(`\n### ${name}\n`)
  if (start < 0) return undefined
  const next = doc.slice(start + 1).search(/\n#{2,3} /)
  return next < 0 ? doc.slice(start) : doc.slice(start, start + 1 + next)
}

describe('docs/configuration.md', () => {
  it('is what scripts/config-reference.ts generates from the schemas', () => {
    expect(committed, 'docs/configuration.md is out of date: run npm run docs:config').toBe(configReference())
  })

  it('has a section per executor naming every option of its schema', () => {
    for (const [name, schema] of Object.entries(executorSchemas)) {
      const text = section(committed, name)
      expect(text, `no "### ${name}" section`).toBeDefined()
      for (const key of Object.keys(shapeOf(schema))) expect(text, `${name}: option ${key}`).toContain(`\`${key}\``)
    }
  })
})

describe('the schema walker', () => {
  it('lists a field added to a schema, with its type, default and nested options', () => {
    const extended = executorSchemas['constant-vus'].extend({
      pause: duration.default(90_000),
      mode: z.enum(['a', 'b']),
      limits: z.strictObject({ soft: z.number().int().min(1).max(9) }).optional(),
    })
    const fields = fieldsOf(shapeOf(extended))
    expect(fields.find((f) => f.path === 'pause')).toMatchObject({ type: 'duration', required: false, default: "`'1m30s'`" })
    expect(fields.find((f) => f.path === 'mode')).toMatchObject({ type: "`'a'` | `'b'`", required: true })
    expect(fields.find((f) => f.path === 'limits.soft')).toMatchObject({ type: 'integer 1–9', required: true })
  })

  it('lists identical sibling objects once, under a placeholder', () => {
    const server = z.union([z.literal('local'), z.strictObject({ port: z.number().optional() })])
    const fields = fieldsOf({ infra: z.strictObject({ a: server.optional(), b: server.optional() }) }, '', { infra: 'service' })
    expect(fields.map((f) => f.path)).toEqual(['infra', 'infra.<service>', 'infra.<service>.port'])
    expect(fields[1].placeholder).toEqual({ name: '<service>', keys: ['a', 'b'] })
  })
})
