import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { matchBaseline } from '../../src/baselines/matcher.ts'
import { compareCommand } from '../../src/cli/compare.ts'
import { parseResults, parseResultsFile } from '../../src/cli/read-results.ts'
import type { RunResult } from '../../src/core/result.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { formatSummary } from '../../src/reporters/console.ts'
import { CSV_COLUMNS, formatCsv } from '../../src/reporters/csv.ts'
import { renderHtml } from '../../src/reporters/html.ts'
import { writeResultsJsonSync } from '../../src/reporters/json.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'
import { writeReportsSync } from '../../src/reporters/write-reports.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { fakeResult } from '../helpers/run-result.ts'

const kpi = resolveKpi()
const library = { js: 'window.uPlot = function () {}', css: '.uplot {}' }

const entry = (test: string, state: PerfTestEntry['state'], results: RunResult[]): PerfTestEntry => ({
  project: 'tier2',
  file: 'tests/a.perf.ts',
  test,
  state,
  results,
})
const entries = [
  entry('checkout', 'passed', [fakeResult({ name: 'checkout' })]),
  entry('soak', 'interrupted', [fakeResult({ name: 'soak', state: 'interrupted', iterations: 42 })]),
]
const fileText = (top: Record<string, unknown>, tests: unknown[] = entries) => JSON.stringify({ version: 1, ...top, tests })

describe('results.json of an interrupted run', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-interrupted-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('is written with interrupted: true and the signal, and read back with both states kept', () => {
    const file = writeResultsJsonSync(dir, entries, { signal: 'SIGINT' })
    const text = readFileSync(file, 'utf8')
    expect(JSON.parse(text)).toMatchObject({ version: 1, interrupted: true, signal: 'SIGINT' })
    const read = parseResultsFile(text, file)
    expect(read.interrupted).toBe(true)
    expect(read.entries.map((e) => e.state)).toEqual(['passed', 'interrupted'])
    expect(read.entries[1].results[0]).toMatchObject({ state: 'interrupted', iterations: 42 })
  })

  it('gets its reports written without awaiting anything, each saying it is partial', () => {
    const formats = ['md', 'html', 'csv'] as const
    const written = writeReportsSync(dir, entries, { formats, kpi, interrupted: true })
    expect(written.map((f) => path.basename(f))).toEqual(['report.md', 'report.html', 'summary.csv'])
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.md', 'summary.csv'])
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('INTERRUPTED — partial results')
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('INTERRUPTED — partial results')
  })

  it('reads files without the flag (older versions, by hand) as not interrupted', () => {
    expect(parseResultsFile(fileText({}), 'r.json').interrupted).toBe(false)
    expect(parseResultsFile(fileText({ interrupted: false }), 'r.json').interrupted).toBe(false)
    expect(parseResults(fileText({ interrupted: true }), 'r.json')).toHaveLength(2)
  })

  it('refuses a flag of the wrong type, with its path', () => {
    const read = () => parseResultsFile(fileText({ interrupted: 'yes' }), 'r.json')
    expect(read).toThrow(/interrupted/)
    expect(read).toThrow(expect.objectContaining({ code: 'PERF_RESULTS_INVALID' }))
  })
})

describe('reports of an interrupted run', () => {
  it('report.md says INTERRUPTED — partial results right under its title', () => {
    const md = formatMarkdown(entries, { kpi, interrupted: true })
    const [title, blank, warning] = md.split('\n')
    expect([title, blank]).toEqual(['## vitest-perf report', ''])
    expect(warning).toMatch(/^> ⚠️ \*\*INTERRUPTED — partial results\.\*\*/)
    expect(md).toMatch(/\| soak \| constant-vus \| 42 \| .* \| ⚠️ interrupted \|$/m)
    expect(formatMarkdown(entries, { kpi })).not.toContain('INTERRUPTED')
    expect(formatMarkdown([], { kpi, interrupted: true })).toContain('INTERRUPTED — partial results')
  })

  it('the console summary starts with the warning and marks the interrupted run', () => {
    const text = formatSummary(entries, { interrupted: true })
    expect(text.split('\n')[0]).toBe('vitest-perf: INTERRUPTED — partial results (measured until the run was stopped)')
    expect(text).toMatch(/^\[tier2\] soak\s+constant-vus\s+42 \(interrupted\)\s/m)
    expect(formatSummary(entries)).not.toContain('INTERRUPTED')
  })

  it('report.html has a banner and the run says it was interrupted', () => {
    const html = renderHtml(entries, { kpi, library, interrupted: true })
    expect(html).toContain('<title>vitest-perf report (interrupted)</title>')
    expect(html).toContain('<p class="interrupted">INTERRUPTED — partial results: the run was stopped before its end</p>')
    expect(html).toContain('interrupted: figures until the last progress report')
    expect(renderHtml(entries, { kpi, library })).not.toContain('INTERRUPTED')
  })

  it('summary.csv has the states in its state columns', () => {
    const rows = formatCsv(entries, kpi).split('\n')
    const cell = (row: string, name: string) => row.split(',')[CSV_COLUMNS.indexOf(name)]
    expect([cell(rows[2], 'test_state'), cell(rows[2], 'run_state')]).toEqual(['interrupted', 'interrupted'])
    expect([cell(rows[1], 'test_state'), cell(rows[1], 'run_state')]).toEqual(['passed', 'completed'])
  })
})

describe('vitest-perf compare on an interrupted run', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'vitest-perf-interrupted-compare-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('says the file is partial and never compares the interrupted run', async () => {
    const testPath = path.join(root, 'a.perf.ts')
    const done = await runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 20 }, () => {}, { attach: false, name: 'soak' })
    await matchBaseline(done, { root, baselines: 'baselines', testPath, testName: 'soak', update: 'new' })
    const baselineFile = path.join(root, 'baselines', 'a.perf.ts.json')
    const partial: RunResult = { ...done, state: 'interrupted', baseline: undefined }
    const lines: string[] = []
    const log = console.log
    console.log = (line: string) => lines.push(line)
    try {
      const read = async () => ({ entries: [entry('soak', 'interrupted', [partial])], interrupted: true })
      expect(await compareCommand([baselineFile, 'r.json'], read)).toBe(0)
    } finally {
      console.log = log
    }
    const out = lines.join('\n')
    expect(out).toMatch(/^INTERRUPTED — partial results: r\.json is from a run stopped before its end\n0 runs compared/)
    expect(out).toContain('"soak": not compared, it was interrupted before its end')
  })
})
