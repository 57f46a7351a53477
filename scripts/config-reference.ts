// Generates docs/configuration.md from the zod schemas, so the reference cannot drift from the
// code: `npm run docs:config` writes it, `npm run docs:config -- --check` only compares.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { z } from 'zod'
import { parseDuration } from '../src/core/duration.ts'
import { executorSchemas } from '../src/config/schemas.ts'
import { perfOptionsSchema } from '../src/plugin/options.ts'
import { executorFields, executorNotes, placeholders, pluginFields } from './config-descriptions.ts'
import { optionSections, type OptionSection } from './option-sections.ts'
import { fieldsOf, shapeOf, type Field } from './zod-fields.ts'

export const CONFIG_DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url))

type Describe = (field: Field) => string | undefined

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function table(fields: Field[], describe: Describe, missing: string[]): string {
  const rows = fields.map((f) => {
    let text = describe(f)
    if (text === undefined) missing.push(f.path)
    if (f.placeholder) {
      const keys = f.placeholder.keys.map((k) => `\`${k}\``)
      text = `\`${f.placeholder.name}\` is ${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}. ${text ?? ''}`.trim()
    }
    return `| \`${f.path}\` | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${f.default ?? '—'} | ${cell(text ?? '—')} |`
  })
  return ['| option | type | required | default | description |', '|---|---|---|---|---|', ...rows].join('\n')
}

const DURATION_EXAMPLES: (string | number)[] = ['500ms', '30s', '1m30s', '1.5s', '1h', '250us', 100, '100']

function unitsSection(): string {
  const examples = DURATION_EXAMPLES.map((d) => `| \`${typeof d === 'string' ? `'${d}'` : d}\` | ${parseDuration(d)} |`)
  return `## Units

### Durations

An option of type *duration* takes a number of milliseconds or a string of \`<number><unit>\`
parts, units \`us\` (or \`µs\`), \`ms\`, \`s\`, \`m\` and \`h\`, with no spaces and no negative values.
A numeric string is milliseconds. The validated config, \`result.config\` and \`results.json\`
hold milliseconds; the defaults below are written the way you would write them.

| you write | milliseconds |
|---|---|
${examples.join('\n')}

\`VITEST_PERF_DURATION_SCALE\` (a positive number) multiplies \`duration\`, \`maxDuration\` and the
stage durations of every run, so one soak test can run 2 minutes in CI and 24 hours overnight.
Threshold windows (\`over 10s\`) use a stricter form, see [thresholds.md](thresholds.md).

### Rates and timeUnit

\`rate\`, \`startRate\` and the stage \`target\`s of \`ramping-arrival-rate\` count iterations started
per \`timeUnit\`: \`rate: 200\` is 200 per second with the default \`timeUnit\`, and
\`rate: 30, timeUnit: '1m'\` is 0.5 per second. Use a longer \`timeUnit\` for slow rates.

### VUs and counts

\`vus\`, \`startVUs\`, \`maxVUs\`, \`preAllocatedVUs\`, \`iterations\` and the stage \`target\`s of
\`ramping-vus\` are whole numbers. A VU (virtual user) runs one iteration of the workflow at a time.

### Limits

A load config is refused (\`PERF_CONFIG_INVALID\`, nothing started) past 10 000 VUs (\`vus\`,
\`startVUs\`, \`maxVUs\`, \`preAllocatedVUs\`, stage targets of \`ramping-vus\`), 100 000 iterations
per second (\`rate\`, \`startRate\`, rate stage targets, whatever the \`timeUnit\`) or 24 hours of
planned run (\`duration\`, the sum of the stages, \`maxDuration\`, after
\`VITEST_PERF_DURATION_SCALE\`): such values are usually typos that would exhaust memory or the
event loop. \`unbounded: true\` in the load config lifts these limits. No duration, and no run with
its \`gracefulStop\`, may pass 2^31−1 ms (about 596 hours), even unbounded: Node's timers cannot wait
longer.

### KPI bounds

The \`kpi\` bounds of \`perf()\` are in the units of the KPI: \`throughput\` in iterations per second,
\`avgLatency\` and \`p99Latency\` in milliseconds, \`successRate\` in percent, \`memory\` in MB
(1 GB = 1024 MB). See [reports.md](reports.md#kpi-grades).`
}

/** Options every executor declares with the very same schema (the shared option groups). */
function commonKeys(shapes: Record<string, z.core.$ZodType>[]): string[] {
  if (shapes.length < 2) return []
  return Object.keys(shapes[0]).filter((k) => k !== 'executor' && shapes.every((s) => s[k] === shapes[0][k]))
}

function loadSection(missing: string[]): string {
  const names = Object.keys(executorSchemas) as (keyof typeof executorSchemas)[]
  const shapes = names.map((n) => shapeOf(executorSchemas[n]))
  const common = commonKeys(shapes)
  const generic: Describe = (f) => f.description ?? executorFields[f.path]
  const out: string[] = [
    `## Load config

The first argument of \`run()\` (the \`perfTest\` fixture), \`runLoad()\` and \`runAB()\`. Unknown
options are errors, also inside nested objects, so a typo never falls back to a default. See
[executors.md](executors.md) for how each executor behaves.

- **closed model**: a VU starts its next iteration when the previous one ends, so the load slows
  down with the system under test; \`latency\` equals \`service_time\`.
- **open model**: iterations start at planned times whatever the system does; \`latency\` counts
  from the planned start and includes waiting for a free VU.

| executor | model | meaning |
|---|---|---|`,
  ]
  const notes = names.map(
    (name, i) => executorNotes[name] ?? { model: 'timeUnit' in shapes[i] ? 'open' : 'closed', meaning: '(no description yet)' },
  )
  names.forEach((name, i) => out.push(`| [\`${name}\`](#${name}) | ${notes[i].model} | ${cell(notes[i].meaning)} |`))
  if (common.length > 0) {
    const shape = Object.fromEntries(common.map((k) => [k, shapes[0][k]]))
    out.push('', '### Options every executor takes', '', table(fieldsOf(shape), generic, missing))
  }
  names.forEach((name, i) => {
    const own = Object.fromEntries(Object.entries(shapes[i]).filter(([k]) => !common.includes(k)))
    const describe: Describe = (f) => executorFields[`${name}:${f.path}`] ?? generic(f)
    const model = notes[i].model === 'open' ? 'Open' : 'Closed'
    out.push('', `### ${name}`, '', `${model} model: ${notes[i].meaning}`, '', table(fieldsOf(own), describe, missing))
    if (common.length > 0) out.push('', `Also takes the options every executor takes: ${common.map((k) => `\`${k}\``).join(', ')}.`)
  })
  return out.join('\n')
}

function pluginSection(missing: string[]): string {
  const fields = fieldsOf(shapeOf(perfOptionsSchema), '', placeholders)
  return `## perf() plugin options

\`perf(options)\` from \`vitest-perf/plugin\`, in \`vitest.config.ts\`. Every option is optional.
Nested options are listed by path: \`infra.<service>.provider\` is
\`perf({ infra: { postgres: { provider: 'local' } } })\`.

${table(fields, (f) => f.description ?? pluginFields[f.path], missing)}`
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
export const anchorOf = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .replace(/\s/g, '-')

function optionSection(section: OptionSection, missing: string[]): string {
  const describe: Describe = (f) => f.description ?? section.descriptions?.[f.path]
  const out = [`## ${section.title}`, '', section.intro, '', table(fieldsOf(shapeOf(section.schema)), describe, missing)]
  for (const part of section.parts ?? [])
    out.push('', `### ${part.title.replace(/^./, (c) => c.toUpperCase())}`, '', table(fieldsOf(shapeOf(part.schema)), describe, missing))
  return out.join('\n')
}

/** The whole Markdown text of docs/configuration.md; `missing` collects options without a description. */
export function configReference(missing: string[] = []): string {
  return `# Configuration reference

<!-- Generated by scripts/config-reference.ts from the zod schemas: do not edit, run npm run docs:config. -->

Every option vitest-perf validates, generated from the zod schemas that validate it. A
*required* option has no default (a nested one is required once its parent is given);
*default* is what a missing option becomes.

- [Units](#units): durations, rates per \`timeUnit\`, counts, KPI bounds
- [Load config](#load-config): one section per executor
- [perf() plugin options](#perf-plugin-options)
${optionSections.map((o) => `- [${o.title}](#${anchorOf(o.title)})`).join('\n')}

Unknown options are errors everywhere, with a suggestion when one is close
(\`unknown option 'maxVus'; did you mean 'maxVUs'?\`).

${unitsSection()}

${loadSection(missing)}

${pluginSection(missing)}

${optionSections.map((o) => optionSection(o, missing)).join('\n\n')}
`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const missing: string[] = []
  const text = configReference(missing)
  if (missing.length > 0)
    console.error(`config-reference: no description for ${[...new Set(missing)].join(', ')} (add one in scripts/config-descriptions.ts)`)
  if (process.argv.includes('--check')) {
    const same = existsSync(CONFIG_DOC) && readFileSync(CONFIG_DOC, 'utf8') === text
    console.error(same ? 'docs/configuration.md is up to date' : 'docs/configuration.md is out of date: run npm run docs:config')
    process.exitCode = same ? 0 : 1
  } else {
    writeFileSync(CONFIG_DOC, text)
    console.error(`wrote ${CONFIG_DOC}`)
  }
}
