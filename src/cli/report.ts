import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { PerfError } from '../core/errors.ts'
import { redactDeep } from '../core/redact.ts'
import type { ResultsFile } from '../reporters/collect.ts'
import { formatSummary } from '../reporters/console.ts'
import { resolveKpi, type KpiTable } from '../reporters/kpi.ts'
import { parseKpiOverrides } from '../reporters/kpi-options.ts'
import { formatMarkdown } from '../reporters/markdown.ts'
import { appendStepSummary, stepSummaryFile, writeReports, type ReportFormat } from '../reporters/write-reports.ts'

const CLI_FORMATS = ['md', 'html', 'csv', 'console'] as const
type CliFormat = (typeof CLI_FORMATS)[number]

function parseFormats(text: string): CliFormat[] | string {
  const formats = text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
  const unknown = formats.filter((f) => !(CLI_FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0 || formats.length === 0) return `--format takes a comma-separated list of ${CLI_FORMATS.join(', ')}; got "${text}"`
  return formats as CliFormat[]
}

async function readKpi(file: string | undefined): Promise<KpiTable> {
  if (file === undefined) return resolveKpi()
  let input: unknown
  try {
    input = JSON.parse(await readFile(file, 'utf8'))
  } catch (cause) {
    throw new PerfError(
      'PERF_CONFIG_INVALID',
      `Cannot read the KPI file ${file} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}). Give a JSON file like {"throughput": {"good": 100}}.`,
    )
  }
  return parseKpiOverrides(input, `KPI file ${file}`)
}

/** `vitest-perf report <results.json>`: the console summary, then the report files again. */
export async function reportCommand(args: string[], read: (file: string) => Promise<ResultsFile>): Promise<number> {
  // parseArgs' allowNegative needs Node 22.4; users may have 22.0.
  const stepSummary = !args.includes('--no-step-summary')
  let parsed
  try {
    parsed = parseArgs({
      args: args.filter((a) => a !== '--no-step-summary'),
      allowPositionals: true,
      options: { out: { type: 'string' }, format: { type: 'string' }, kpi: { type: 'string' } },
    })
  } catch (error) {
    console.error(`vitest-perf report: ${(error as Error).message}`)
    return 2
  }
  const { positionals, values } = parsed
  if (positionals.length !== 1) {
    console.error('vitest-perf report: give exactly one results file, e.g. vitest-perf report perf-results/results.json')
    return 2
  }
  const formats = parseFormats(values.format ?? CLI_FORMATS.join(','))
  if (typeof formats === 'string') {
    console.error(`vitest-perf report: ${formats}`)
    return 2
  }
  const file = positionals[0]
  // A results file may come from an older version or another tool: no password reaches a report.
  const { entries, interrupted } = redactDeep(await read(file))
  const kpi = await readKpi(values.kpi)
  if (formats.includes('console')) console.log(formatSummary(entries, { interrupted }))
  const files = formats.filter((f): f is Exclude<CliFormat, 'console'> => f !== 'console') as ReportFormat[]
  if (files.length > 0) {
    const written = await writeReports(path.resolve(values.out ?? path.dirname(file)), entries, { formats: files, kpi, interrupted })
    console.error(`vitest-perf: wrote ${written.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`)
  }
  const summaryFile = stepSummary && formats.includes('md') ? stepSummaryFile() : undefined
  if (summaryFile) await appendStepSummary(summaryFile, formatMarkdown(entries, { kpi, interrupted }))
  return 0
}
