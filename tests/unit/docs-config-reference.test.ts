import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CONFIG_DOC, configReference } from '../../scripts/config-reference.ts'
import { optionSections } from '../../scripts/option-sections.ts'
import { fieldsOf, shapeOf } from '../../scripts/zod-fields.ts'
import { findCapacity } from '../../src/analysis/capacity.ts'
import { runAB } from '../../src/baselines/ab.ts'
import { matchBaseline } from '../../src/baselines/matcher.ts'
import { runOptionsProblems } from '../../src/run/options-schema.ts'
import { duration, executorSchemas } from '../../src/config/schemas.ts'
import { validateLoadConfig } from '../../src/config/validate.ts'
import { validateScenariosConfig } from '../../src/config/scenarios.ts'
import { validateProxyOptions } from '../../src/faults/proxy-options.ts'
import { validateSchedule } from '../../src/faults/schedule.ts'
import { validateToxic } from '../../src/faults/toxic-options.ts'
import { compileRequest } from '../../src/http/compile.ts'
import { resolveClientOptions } from '../../src/http/options.ts'
import { checkNoLeak, checkStable } from '../../src/monitor/matchers.ts'
import { perfOptionsSchema, resolvePerfOptions } from '../../src/plugin/options.ts'
import { mix } from '../../src/workflows/mix.ts'
import { checkConnect, resolveOptions } from '../../src/workflows/options.ts'

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

/** A key with its last two letters swapped (or its last dropped): one edit away, so the suggestion must name the key. */
const typo = (key: string) => (key.at(-1) === key.at(-2) ? key.slice(0, -1) : `${key.slice(0, -2)}${key.at(-1)}${key.at(-2)}`)
const suggests = (key: string) => new RegExp(`did you mean [^?]*'${key}'`)

async function problemsOf(validate: () => unknown): Promise<{ path: string; message: string }[]> {
  try {
    const value = await validate()
    if (Array.isArray(value)) return value
  } catch (e) {
    return (e as { problems?: { path: string; message: string }[] }).problems ?? []
  }
  return []
}

const defaults = { headers: {}, throwOnCheck: false, tagsFor: () => ({}) }
const fake = { name: 'w', steps: [] } as never

/**
 * The validator each documented option object goes through where it is used, called with one
 * misspelt key: only a zod schema read by zod-problems.ts answers "did you mean '<key>'?".
 */
const validators: Record<string, (input: Record<string, unknown>) => unknown> = {
  'Load config': (input) => validateLoadConfig({ executor: 'constant-vus', duration: '1s', ...input }),
  'perf() plugin options': (input) => resolvePerfOptions(input),
  'Run options': (input) => runOptionsProblems(input),
  Scenarios: (input) => validateScenariosConfig({ scenarios: { a: { executor: 'constant-vus', duration: '1s' } }, ...input }),
  'Scenarios / options of each scenario': (input) =>
    validateScenariosConfig({ scenarios: { a: { executor: 'constant-vus', duration: '1s', ...input } } }),
  'Fault plan': (input) => validateSchedule([input as never]),
  'Fault plan / Random injection': (input) => validateSchedule([{ failureRate: 0.5, ...input } as never]),
  'HTTP client options': (input) => resolveClientOptions('http://127.0.0.1:1', input, undefined),
  'HTTP request': (input) => compileRequest({ path: '/', ...input } as never, defaults, 'HTTP request'),
  'Fault proxy options': (input) => validateProxyOptions(input),
  Toxic: (input) => validateToxic(input),
  'Workflow generator options': (input) => resolveOptions(input),
  'Workflow connect options': (input) => checkConnect({ postgres: { url: 'postgres://127.0.0.1:1/x' } }, input),
  'Workflow mix options': (input) => mix([fake], input),
  'findCapacity() options': (input) => findCapacity(input as never, async () => {}),
  'Baseline options': (input) => matchBaseline({} as never, {} as never, input),
  'A/B options': (input) => runAB({ executor: 'constant-vus', duration: '1s' }, { reference: () => {}, candidate: () => {} }, input),
  'Leak limits': (input) => checkNoLeak({} as never, input),
  'Stability limits': (input) => checkStable({} as never, input),
}

describe('every option object in docs/configuration.md', () => {
  const sections = optionSections.flatMap((s) => [
    { title: s.title, schema: s.schema, validate: validators[s.title] },
    ...(s.parts ?? []).map((p) => {
      const type = /`(\w+)`/.exec(p.title)?.[1]
      // A toxic's attributes are checked against the schema of its type.
      const validate =
        s.title === 'Toxic' && type
          ? (input: Record<string, unknown>) => validateToxic({ type, attributes: input })
          : validators[`${s.title} / ${p.title}`]
      return { title: `${s.title} / ${p.title}`, schema: p.schema, validate }
    }),
  ])

  it('has a section in the document and a validator in this test', () => {
    for (const { title, validate } of sections) {
      expect(committed, `no section for ${title}`).toContain(`## ${title.split(' / ')[0]}`)
      expect(validate, `no validator known for "${title}": add it to the validators of this test`).toBeTypeOf('function')
    }
    expect(
      Object.keys(validators)
        .filter((t) => !['Load config', 'perf() plugin options'].includes(t))
        .sort(),
    ).toEqual(
      sections
        .filter((s) => !s.title.startsWith('Toxic /'))
        .map((s) => s.title)
        .sort(),
    )
  })

  it.each([
    ...Object.entries(executorSchemas).map(([name, schema]) => ({
      title: `Load config / ${name}`,
      schema,
      validate: (input: Record<string, unknown>) => validateLoadConfig({ executor: name, ...input }),
    })),
    { title: 'perf() plugin options', schema: perfOptionsSchema, validate: validators['perf() plugin options'] },
  ])('$title is validated by its schema', async ({ schema, validate }) => {
    for (const key of Object.keys(shapeOf(schema)).filter((k) => k.length > 3 && k !== 'executor')) {
      const found = await problemsOf(() => validate({ [typo(key)]: 1 }))
      expect(found.map((p) => p.message).join('\n'), key).toMatch(suggests(key))
    }
  })

  it('each other section is validated by the schema it is generated from', async () => {
    for (const { title, schema, validate } of sections) {
      // failureRate is what makes an entry a random injection, so it cannot be misspelt there.
      const keys = Object.keys(shapeOf(schema)).filter((k) => k.length > 3 && !(title.includes('Random') && k === 'failureRate'))
      expect(keys.length, title).toBeGreaterThan(0)
      for (const key of keys) {
        const found = await problemsOf(() => validate({ [typo(key)]: 1 }))
        expect(found.map((p) => p.message).join('\n'), `${title}: ${key}`).toMatch(suggests(key))
      }
    }
  })
})
