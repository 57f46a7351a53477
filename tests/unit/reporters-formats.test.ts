import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/core/result.ts'
import { fakeResult } from '../helpers/run-result.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { CSV_COLUMNS, csvCell, formatCsv } from '../../src/reporters/csv.ts'
import { formatMs, formatPercent } from '../../src/reporters/format.ts'
import { renderHtml } from '../../src/reporters/html.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'
import { normalizeEntries } from '../../src/reporters/normalize.ts'
import { appendStepSummary, stepSummaryFile, writeReports } from '../../src/reporters/write-reports.ts'

const kpi = resolveKpi()
const library = { js: 'window.uPlot = function () {}', css: '.uplot {}' }

const result = fakeResult

const entry = (test: string, results: RunResult[], state: PerfTestEntry['state'] = 'passed', project = 'tier2'): PerfTestEntry => ({
  project,
  file: 'tests/a.test.ts',
  test,
  state,
  results,
})

describe('report.md', () => {
  const entries = [
    entry('orders', [result()]),
    entry(
      'search',
      [
        result({
          name: 'search',
          throughput: 8,
          failed: 20,
          errors: { count: 20, rate: 0.2, byKind: {} },
          thresholds: [
            { metric: 'errors', expression: 'rate<0.01', ok: false, actual: 0.2, unit: '%' },
            { metric: 'latency', expression: 'p(95)<50ms', ok: true, actual: 40, unit: 'ms' },
          ],
        }),
      ],
      'failed',
    ),
  ]
  const md = formatMarkdown(entries, { kpi })

  it('heads the table with the counts of runs, grades and failed tests', () => {
    expect(md.split('\n')[0]).toBe('## vitest-perf report')
    expect(md).toContain('**2 runs in 2 tests** · 🟢 1 Good · 🔴 1 Poor · ❌ 1 failed test')
  })

  it('has one row per run with graded KPI cells', () => {
    expect(md).toContain(
      '| orders | constant-vus | 100 | 🟢 50.5/s | 🟢 20.0 ms | 40.0 ms | 🟢 80.0 ms | 🟢 100% | 0 | 🟢 Good | ✅ pass |',
    )
    expect(md).toContain(
      '| search | constant-vus | 100 | 🟠 8.0/s | 🟢 20.0 ms | 40.0 ms | 🟢 80.0 ms | 🔴 80.0% | 0 | 🔴 Poor | ❌ FAIL (1 threshold) |',
    )
  })

  it('lists failed thresholds and the KPI bounds, without memory when nothing was monitored', () => {
    expect(md).toContain('- search: <code>errors: rate&lt;0.01</code> was 20.00%')
    expect(md).not.toContain('p(95)<50ms')
    expect(md).toContain('| Throughput | > 50/s | > 10/s | < 5/s |')
    expect(md).toContain('| Avg latency | < 1 s | < 5 s | > 10 s |')
    expect(md).toContain('| Success | > 99% | > 95% | < 90% |')
    expect(md).not.toMatch(/Memory \|/)
  })

  it('adds a memory column and row when a run has resource samples', () => {
    const sample = {
      t: 1,
      cpu: 5,
      rss: 700 * 1024 * 1024,
      heapUsed: 1,
      eventLoop: { p50: 1, p99: 1, max: 1, utilization: 0.1 },
      handles: {},
    }
    const withMemory = formatMarkdown([entry('orders', [result({ resources: [sample] })])], { kpi })
    expect(withMemory).toMatch(/\| Dropped \| Memory \(test process\) \| Grade \|/)
    expect(withMemory).toContain('| 0 | 🟡 700 MB | 🟡 Acceptable |')
    expect(withMemory).toContain('| Memory (test process) | < 500 MB | < 1 GB | > 2 GB |')
  })

  it.each([
    ['a | b', 'a \\| b'],
    ['line\nbreak', 'line break'],
    ['<img src=x>', '&lt;img src=x&gt;'],
  ])('escapes the test name %j in a cell', (name, cell) => {
    expect(formatMarkdown([entry(name, [result({ name })])], { kpi })).toContain(`| ${cell} | constant-vus |`)
  })

  it('prefixes the project only when there are several, and numbers repeated runs', () => {
    const two = formatMarkdown(
      [
        entry('a', [result({ name: 'a' }), result({ name: 'a' })], 'passed', 'tier2'),
        entry('b', [result({ name: 'b' })], 'passed', 'tier3'),
      ],
      { kpi },
    )
    expect(two).toContain('| \\[tier2\\] a \\#1 |')
    expect(two).toContain('| \\[tier2\\] a \\#2 |')
    expect(two).toContain('| \\[tier3\\] b |')
    expect(formatMarkdown([], { kpi })).toBe('## vitest-perf report\n\nNo perf runs were recorded.\n')
  })
})

describe('summary.csv', () => {
  it.each([
    [undefined, ''],
    [12.5, '12.5'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('quotes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell)
  })

  it('has a header and one row per run, in fixed units', () => {
    const csv = formatCsv([entry('orders, fast', [result(), result({ dropped: 25, iterations: 75 })])], kpi)
    const [header, first, second, end] = csv.split('\n')
    expect(header).toBe(CSV_COLUMNS.join(','))
    expect(end).toBe('')
    const cell = (row: string, name: string) =>
      row.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''))[CSV_COLUMNS.indexOf(name)]
    expect(cell(first, 'test')).toBe('"orders, fast"')
    expect(cell(first, 'run')).toBe('1')
    expect(cell(second, 'run')).toBe('2')
    expect(cell(first, 'latency_p99_ms')).toBe('80')
    expect(cell(second, 'success_pct')).toBe('75')
    expect(cell(second, 'grade_success')).toBe('poor')
    expect(cell(first, 'peak_memory_mb')).toBe('')
    expect(cell(first, 'grade')).toBe('good')
  })
})

describe('report.html', () => {
  const hostile = '</script><script>alert(1)</script>'
  const html = renderHtml(
    [
      entry(hostile, [
        result({
          name: hostile,
          timeline: [{ t: 0, ms: 1000, iterations: 5, errors: 0, dropped: 0, throughput: 5, p50: 1, p95: 2, p99: 3, vus: 1 }],
        }),
      ]),
    ],
    {
      kpi,
      library,
      createdAt: '2026-01-01T00:00:03.000Z',
    },
  )

  it('inlines the chart library, its data and script, and forbids every fetch', () => {
    expect(html).toContain('<script>window.uPlot = function () {}</script>')
    expect(html).toMatch(/content="default-src 'none'; script-src 'sha256-[^"]+; style-src 'sha256-[^"]+; img-src data:"/)
    expect(html).not.toContain('unsafe-inline')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
  })

  it('escapes names in the markup and in the embedded JSON', () => {
    expect(html.match(/<\/script>/g)).toHaveLength(3)
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('has a container for every chart spec and none for a missing distribution', () => {
    const data = JSON.parse(html.match(/<script type="application\/json" id="vitest-perf-data">(.*?)<\/script>/s)![1])
    const ids = data.charts.map((c: { id: string }) => c.id)
    expect(ids).toEqual(['run-1-latency', 'run-1-throughput', 'run-1-vus'])
    for (const id of ids) expect(html).toContain(`<div id="${id}"></div>`)
  })
})

describe('files written at the end of a run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-unit-reports-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes only the formats asked for', async () => {
    const written = await writeReports(path.join(dir, 'a'), [entry('orders', [result()])], { formats: ['json', 'csv', 'md'], kpi })
    expect(written.map((f) => path.basename(f))).toEqual(['report.md', 'summary.csv'])
    expect(readdirSync(path.join(dir, 'a')).sort()).toEqual(['report.md', 'summary.csv'])
  })

  it('appends to GITHUB_STEP_SUMMARY, and only when it names a file', async () => {
    const file = path.join(dir, 'summary.md')
    writeFileSync(file, 'before\n')
    await appendStepSummary(file, '## one')
    await appendStepSummary(file, '## two\n')
    expect(readFileSync(file, 'utf8')).toBe('before\n## one\n\n## two\n\n')
    expect(stepSummaryFile({ GITHUB_STEP_SUMMARY: file })).toBe(file)
    expect(stepSummaryFile({ GITHUB_STEP_SUMMARY: ' ' })).toBeUndefined()
    expect(stepSummaryFile({})).toBeUndefined()
  })
})

describe('results files from older versions or written by hand', () => {
  it('fill missing fields with neutral values so every format still renders', () => {
    const [e] = normalizeEntries([
      {
        test: 'hand-made',
        results: [{ name: 'x', iterations: 10, failed: 1, latency: { count: 10, p99: 3 }, config: { executor: 'constant-vus' } }],
      },
    ])
    const r = e.results[0]
    expect(e).toMatchObject({ project: '', file: '', state: 'passed' })
    expect(r).toMatchObject({
      timeline: [],
      resources: [],
      thresholds: [],
      dropped: 0,
      errors: { count: 1, rate: 0.1, byKind: {} },
      histograms: { latency: '' },
    })
    expect(r.latency).toMatchObject({ count: 10, p99: 3, mean: 0 })
    expect(formatMarkdown([e], { kpi })).toContain('| x | constant-vus | 10 |')
    expect(formatCsv([e], kpi).split('\n')).toHaveLength(3)
    expect(renderHtml([e], { kpi, library })).toContain('No timeline was recorded for this run.')
  })
})

describe('number formats', () => {
  it.each([
    [0.512, '0.51 ms'],
    [12.34, '12.3 ms'],
    [123.4, '123 ms'],
    [1234, '1.23 s'],
    [12_345, '12.3 s'],
  ])('formatMs(%d) is %s', (v, text) => expect(formatMs(v)).toBe(text))

  it.each([
    [100, '100%'],
    [99.996, '99.99%'],
    [99.5, '99.50%'],
    [96.84, '96.8%'],
    [0, '0.0%'],
  ])('formatPercent(%d) is %s and never rounds up to 100%', (v, text) => expect(formatPercent(v)).toBe(text))
})
