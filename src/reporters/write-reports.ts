import { appendFile, mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../fs/write-atomic.ts'
import path from 'node:path'
import type { PerfTestEntry } from './collect.ts'
import { formatCsv } from './csv.ts'
import { loadChartLibrary, renderHtml } from './html.ts'
import type { KpiTable } from './kpi.ts'
import { formatMarkdown } from './markdown.ts'
import { matrixCsv, matrixRows } from './matrix-table.ts'

export const REPORT_FORMATS = ['json', 'md', 'html', 'csv'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** File names in the results folder; results.json is written by json.ts, always. */
export const REPORT_FILES = { md: 'report.md', html: 'report.html', csv: 'summary.csv' } as const

export interface WriteReportsOptions {
  formats: readonly ReportFormat[]
  kpi: KpiTable
  createdAt?: string
}

async function render(format: keyof typeof REPORT_FILES, entries: readonly PerfTestEntry[], options: WriteReportsOptions): Promise<string> {
  if (format === 'md') return formatMarkdown(entries, { kpi: options.kpi })
  if (format === 'csv') return formatCsv(entries, options.kpi)
  return renderHtml(entries, { kpi: options.kpi, library: await loadChartLibrary(), createdAt: options.createdAt })
}

/**
 * Writes report.md, report.html and summary.csv (those in `formats`) into `dir`, each atomically.
 * A format that fails does not stop the others; the failures are thrown together at the end.
 */
export async function writeReports(dir: string, entries: readonly PerfTestEntry[], options: WriteReportsOptions): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  const failures: unknown[] = []
  for (const format of ['md', 'html', 'csv'] as const) {
    if (!options.formats.includes(format)) continue
    const file = path.join(dir, REPORT_FILES[format])
    try {
      await writeFileAtomic(file, await render(format, entries, options))
      written.push(file)
    } catch (error) {
      failures.push(new Error(`vitest-perf: could not write ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }))
    }
  }
  const matrix = matrixRows([...entries])
  if (matrix.length && options.formats.includes('csv')) {
    const file = path.join(dir, 'matrix.csv')
    await writeFileAtomic(file, matrixCsv(matrix)).then(() => written.push(file), (error: unknown) => failures.push(error))
  }
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new AggregateError(failures, `vitest-perf: ${failures.length} reports could not be written`)
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
