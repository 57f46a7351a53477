import { beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../../src/cli/read-results.ts'
import { sleep } from '../../src/core/clock.ts'
import type { RunResult } from '../../src/core/result.ts'
import type { IterationContext } from '../../src/engine/context.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { formatSummary } from '../../src/reporters/console.ts'
import { CSV_COLUMNS, formatCsv } from '../../src/reporters/csv.ts'
import { chartsFor } from '../../src/reporters/html-data.ts'
import { renderHtml } from '../../src/reporters/html.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runScenariosOnFakeClock } from '../helpers/fake-run.ts'

const kpi = resolveKpi()
let result: RunResult
let entries: PerfTestEntry[]

beforeAll(async () => {
  const clock = new FakeClock()
  const wait = (ms: number) => (ctx: IterationContext) => sleep(ms, ctx.signal, clock)
  result = await runScenariosOnFakeClock(
    clock,
    {
      scenarios: {
        browse: { executor: 'constant-arrival-rate', rate: 50, duration: '3s', maxVUs: 5 },
        checkout: { executor: 'constant-arrival-rate', rate: 5, duration: '3s', maxVUs: 5 },
        admin: { executor: 'constant-vus', vus: 1, duration: '1s', startTime: '2s' },
      },
      thresholds: { 'latency{scenario:checkout}': ['p(95)<10ms'], 'latency{scenario:browse}': ['p(95)<10ms'] },
    },
    { browse: wait(2), checkout: wait(20), admin: wait(100) },
    { name: 'shop' },
  )
  entries = [{ project: 'tier1', file: 'tests/shop.test.ts', test: 'shop', state: 'failed', results: [result] }]
})

describe('reports show each scenario under its run', () => {
  it('console: a row per scenario, the scenario with the failed threshold says so', () => {
    const lines = formatSummary(entries).split('\n')
    const row = (name: string) => lines.find((l) => l.includes(`↳ ${name}`))!
    expect(lines.find((l) => l.startsWith('[tier1] shop'))).toMatch(/scenarios\s+175\b/)
    expect(row('browse')).toMatch(/↳ browse\s+constant-arrival-rate\s+150\s+50\.\d\/s/)
    expect(row('browse')).not.toContain('FAIL')
    expect(row('checkout')).toMatch(/FAIL \(1 threshold\)$/)
    expect(row('admin')).toMatch(/constant-vus from 2s\s+10\s/)
  })

  it('report.md: the scenario rows follow their run, ungraded', () => {
    const md = formatMarkdown(entries, { kpi })
    const lines = md.split('\n')
    const run = lines.findIndex((l) => l.startsWith('| shop | scenarios | 175 |'))
    expect(run).toBeGreaterThan(0)
    expect(lines[run + 1]).toMatch(/^\| ↳ browse \| constant-arrival-rate \| 150 \| 50\.\d\/s \| .* \| 0 \| {2}\| {2}\|$/)
    expect(lines[run + 2]).toMatch(/^\| ↳ checkout \| constant-arrival-rate \| 15 \| .* \| ❌ FAIL \(1 threshold\) \|$/)
    expect(lines[run + 3]).toMatch(/^\| ↳ admin \| constant-vus from 2s \| 10 \|/)
    expect(md).toContain('- shop: <code>latency{scenario:checkout}: p(95)&lt;10ms</code> was 20.02ms')
  })

  it('report.html: a scenarios table and a throughput chart where a later scenario starts later', () => {
    const html = renderHtml(entries, { kpi, library: { js: '', css: '' }, createdAt: 'now' })
    expect(html).toContain('<h3>Scenarios</h3>')
    expect(html).toContain('<tr class="scenario"><td class="wrap">↳ checkout</td>')
    const chart = chartsFor(result, 'run-1').find((c) => c.title === 'Throughput by scenario')!
    expect(chart.series.map((s) => s.label)).toEqual(['browse', 'checkout', 'admin'])
    const admin = chart.series[2].values
    // Seconds 0 and 1 have no admin value; 9 of its 10 iterations end in second 2.
    expect(admin.slice(0, 3)).toEqual([null, null, 9])
    expect(chart.series[0].values[0]).toBe(50)
  })

  it('summary.csv: one more row per scenario, named in the last column', () => {
    const [header, ...rows] = formatCsv(entries, kpi).trimEnd().split('\n')
    expect(header.split(',').at(-1)).toBe('scenario')
    const col = (row: string, name: string) => row.split(',')[CSV_COLUMNS.indexOf(name)]
    expect(rows.map((r) => [col(r, 'scenario'), col(r, 'executor'), col(r, 'iterations')])).toEqual([
      ['', 'scenarios', '175'],
      ['browse', 'constant-arrival-rate', '150'],
      ['checkout', 'constant-arrival-rate', '15'],
      ['admin', 'constant-vus', '10'],
    ])
    expect(col(rows[2], 'thresholds_failed')).toBe('1')
    expect(col(rows[1], 'grade')).toBe('')
  })

  it('results.json: read back with its scenarios; a wrong value in one is a problem with its path', () => {
    const file = { version: 1, tests: entries }
    const [read] = parseResults(JSON.stringify(file), 'results.json')
    expect(read.results[0].scenarios?.admin).toMatchObject({ executor: 'constant-vus', startTime: 2000, iterations: 10 })
    const broken = JSON.parse(JSON.stringify(file))
    broken.tests[0].results[0].scenarios.admin.iterations = 'ten'
    expect(() => parseResults(JSON.stringify(broken), 'results.json')).toThrow(/tests\[0\]\.results\[0\]\.scenarios\.admin\.iterations/)
    // A hand-written scenario without its numbers costs cells, never the report.
    const sparse = JSON.parse(JSON.stringify(file))
    sparse.tests[0].results[0].scenarios = { only: { executor: 'constant-vus' } }
    const [normal] = parseResults(JSON.stringify(sparse), 'results.json')
    expect(formatMarkdown([normal], { kpi })).toContain('| ↳ only | constant-vus | 0 |')
  })
})
