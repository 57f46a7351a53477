import { mkdirSync } from 'node:fs'
import { appendFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic, writeFileAtomicSync } from '../fs/write-atomic.ts'
import type { PerfTestEntry } from './collect.ts'
import { formatCsv } from './csv.ts'
import { loadChartLibrary, loadChartLibrarySync, renderHtml, type ChartLibrary } from './html.ts'
import type { KpiTable } from './kpi.ts'
import { formatMarkdown } from './markdown.ts'
import { matrixCsv, matrixRows } from './matrix-table.ts'

export type ReportFormat = 'json' | 'md' | 'html' | 'csv'
export const REPORT_FORMATS = ['json', 'md', 'html', 'csv'] as const satisfies readonly ReportFormat[]

/** File names in the results folder; results.json is written by json.ts, always. */
export const REPORT_FILES = { md: 'report.md', html: 'report.html', csv: 'summary.csv' } as const

export interface WriteReportsOptions {
  formats: readonly ReportFormat[]
  kpi: KpiTable
  createdAt?: string
  /** The run was stopped before its end: every report says so at the top. */
  interrupted?: boolean
}

/** The reports `formats` asks for, as file name and a renderer; rendering may throw. */
function reportsOf(entries: readonly PerfTestEntry[], options: WriteReportsOptions, library: () => ChartLibrary): [string, () => string][] {
  const { kpi, interrupted, createdAt } = options
  const all: [ReportFormat, string, () => string][] = [
    ['md', REPORT_FILES.md, () => formatMarkdown(entries, { kpi, interrupted })],
    ['html', REPORT_FILES.html, () => renderHtml(entries, { kpi, library: library(), createdAt, interrupted })],
    ['csv', REPORT_FILES.csv, () => formatCsv(entries, kpi)],
  ]
  const matrix = matrixRows([...entries])
  if (matrix.length) all.push(['csv', 'matrix.csv', () => matrixCsv(matrix)])
  return all.filter(([format]) => options.formats.includes(format)).map(([, name, render]) => [name, render])
}

const failure = (file: string, error: unknown) =>
  new Error(`vitest-perf: could not write ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })

function throwFailures(failures: unknown[]): void {
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new AggregateError(failures, `vitest-perf: ${failures.length} reports could not be written`)
}

/**
 * Writes report.md, report.html and summary.csv (those in `formats`) into `dir`, each atomically.
 * A format that fails does not stop the others; the failures are thrown together at the end.
 */
export async function writeReports(dir: string, entries: readonly PerfTestEntry[], options: WriteReportsOptions): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  // A chart library that cannot be read costs report.html only, like any other failing report.
  let library: ChartLibrary | undefined
  let libraryError: unknown
  if (options.formats.includes('html'))
    await loadChartLibrary().then(
      (l) => (library = l),
      (e: unknown) => (libraryError = e),
    )
  const chartLibrary = () => {
    if (library === undefined) throw libraryError
    return library
  }
  const written: string[] = []
  const failures: unknown[] = []
  for (const [name, render] of reportsOf(entries, options, chartLibrary)) {
    const file = path.join(dir, name)
    try {
      await writeFileAtomic(file, render())
      written.push(file)
    } catch (error) {
      failures.push(failure(file, error))
    }
  }
  throwFailures(failures)
  return written
}

/** The same, blocking (the SIGINT handler's last words): uPlot is read synchronously when needed. */
export function writeReportsSync(dir: string, entries: readonly PerfTestEntry[], options: WriteReportsOptions): string[] {
  mkdirSync(dir, { recursive: true })
  const written: string[] = []
  const failures: unknown[] = []
  for (const [name, render] of reportsOf(entries, options, loadChartLibrarySync)) {
    const file = path.join(dir, name)
    try {
      writeFileAtomicSync(file, render())
      written.push(file)
    } catch (error) {
      failures.push(failure(file, error))
    }
  }
  throwFailures(failures)
  return written
}

/** GitHub Actions shows what a step appends to the file named by GITHUB_STEP_SUMMARY. */
export function stepSummaryFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY
  return file && file.trim() !== '' ? file : undefined
}

export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  await appendFile(file, `${markdown.endsWith('\n') ? markdown : `${markdown}\n`}\n`)
}
