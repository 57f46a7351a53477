import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/index.ts'
import { CSV_COLUMNS } from '../../src/reporters/csv.ts'
import { fixtureDir, runFixture, type VitestRun } from './helpers.ts'

const root = path.resolve(import.meta.dirname, '../..')
const results = path.join(fixtureDir('report'), 'perf-results')
const read = (name: string) => readFileSync(path.join(results, name), 'utf8')

/** The CLI from the sources, on this Node (24), with a clean GITHUB_STEP_SUMMARY unless given. */
function cli(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'GITHUB_STEP_SUMMARY'))
  return spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...base, ...env },
    timeout: 60_000,
  })
}

describe('the reports of a real run', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vitest-perf-reports-'))
  const stepSummary = path.join(tmp, 'step-summary.md')
  let run: VitestRun
  let json: { tests: { test: string; results: RunResult[] }[] }

  beforeAll(() => {
    writeFileSync(stepSummary, '# Earlier step\n\n')
    run = runFixture('report', [], { GITHUB_STEP_SUMMARY: stepSummary })
    json = JSON.parse(read('results.json'))
  }, 150_000)

  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('writes results.json, report.md, report.html and summary.csv at the end of the run', () => {
    expect(run.status, run.output).toBe(0)
    expect(run.output).toContain(
      'vitest-perf: wrote perf-results/results.json, perf-results/report.md, perf-results/report.html, perf-results/summary.csv',
    )
    expect(run.output).toMatch(/test\s+executor\s+iterations\s+throughput/)
    expect(json.tests.map((t) => t.test)).toEqual([
      'checkout at a steady 80/s',
      'search with ramping VUs',
      'overloaded endpoint drops iterations',
    ])
  })

  it('grades every run in report.md, with the KPI bounds the plugin options set', () => {
    const md = read('report.md')
    expect(md).toMatch(/^## vitest-perf report\n\n\*\*3 runs in 3 tests\*\*/)
    // The monitor samples every run, so memory is graded too.
    expect(md).toMatch(
      /\| Test \| Executor \| Iterations \| Throughput \| Avg latency \| p95 \| p99 \| Success \| Dropped \| Memory \(test process\) \| Grade \| Result \|/,
    )
    expect(md).toMatch(/\| checkout at a steady 80\/s \| constant-arrival-rate \| 320 \| 🟢 \d+\.\d\/s \| .* \| ✅ pass \|/)
    // 150/s offered to 4 VUs of 40 ms: about a third is dropped, so success is Poor.
    const overloaded = md.split('\n').find((l) => l.startsWith('| overloaded endpoint'))
    expect(overloaded).toMatch(/\| 🔴 \d+\.\d% \| \d{2,} \| 🟢 [\d.]+ MB \| 🔴 Poor \| ✅ pass \|$/)
    expect(md).toContain('| p99 latency | < 100 ms | < 250 ms | > 500 ms |')
    expect(md).toContain('| Memory (test process) | < 500 MB | < 1 GB | > 2 GB |')
  })

  it('appends the Markdown report to GITHUB_STEP_SUMMARY', () => {
    expect(readFileSync(stepSummary, 'utf8')).toBe(`# Earlier step\n\n${read('report.md')}\n`)
  })

  it('writes one CSV row per run with the measured numbers', () => {
    const [header, ...rows] = read('summary.csv').trimEnd().split('\n')
    expect(header.split(',')).toEqual(CSV_COLUMNS)
    expect(rows).toHaveLength(3)
    const col = (row: string, name: string) => row.split(',')[CSV_COLUMNS.indexOf(name)]
    json.tests.forEach((t, i) => {
      expect(col(rows[i], 'test')).toBe(t.test.includes(',') ? `"${t.test}"` : t.test)
      expect(Number(col(rows[i], 'iterations'))).toBe(t.results[0].iterations)
      expect(Number(col(rows[i], 'latency_p99_ms'))).toBe(t.results[0].latency.p99)
    })
  })

  it('writes a self-contained report.html', () => {
    const html = read('report.html')
    expect(html).toContain('<div id="run-3-distribution">')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i)
  })

  it('re-renders the reports from results.json with the CLI', () => {
    const out = path.join(tmp, 'cli')
    const r = cli(['report', path.join(results, 'results.json'), '--out', out, '--format', 'md,csv'], { GITHUB_STEP_SUMMARY: stepSummary })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(existsSync(path.join(out, 'report.md')) && existsSync(path.join(out, 'summary.csv'))).toBe(true)
    expect(existsSync(path.join(out, 'report.html'))).toBe(false)
    // The plugin's KPI bounds are not in results.json: the CLI grades with the defaults unless --kpi.
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('| p99 latency | < 5 s | < 15 s | > 30 s |')
    expect(readFileSync(stepSummary, 'utf8').match(/## vitest-perf report/g)).toHaveLength(2)
  })

  it('prints only the console summary with --format console, and takes KPI bounds from --kpi', () => {
    const out = path.join(tmp, 'console')
    const consoleOnly = cli(['report', path.join(results, 'results.json'), '--out', out, '--format', 'console'])
    expect(consoleOnly.status, consoleOnly.stderr).toBe(0)
    expect(consoleOnly.stdout).toMatch(/overloaded endpoint drops iterations\s+constant-arrival-rate/)
    expect(existsSync(out)).toBe(false)

    const kpi = path.join(tmp, 'kpi.json')
    writeFileSync(kpi, JSON.stringify({ throughput: { good: 1000, acceptable: 500, poor: 400 }, successRate: false }))
    const graded = cli(['report', path.join(results, 'results.json'), '--out', out, '--format', 'md', '--kpi', kpi, '--no-step-summary'], {
      GITHUB_STEP_SUMMARY: stepSummary,
    })
    expect(graded.status, graded.stderr).toBe(0)
    const md = readFileSync(path.join(out, 'report.md'), 'utf8')
    expect(md).toMatch(/\| checkout at a steady 80\/s \| constant-arrival-rate \| 320 \| 🔴 /)
    expect(md).not.toContain('| Success | >')
    expect(readFileSync(stepSummary, 'utf8').match(/## vitest-perf report/g)).toHaveLength(2)
  })

  it('rejects unknown formats and invalid KPI files with the fix', () => {
    const bad = cli(['report', path.join(results, 'results.json'), '--format', 'md,pdf'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--format takes a comma-separated list of md, html, csv, console; got "md,pdf"')
    const kpi = path.join(tmp, 'bad-kpi.json')
    writeFileSync(kpi, JSON.stringify({ avgLatency: { good: 9000 } }))
    const inverted = cli(['report', path.join(results, 'results.json'), '--format', 'md', '--out', tmp, '--kpi', kpi])
    expect(inverted.status).toBe(1)
    expect(inverted.stderr).toMatch(
      /PERF_CONFIG_INVALID: Invalid KPI file .*avgLatency: .*good ≤ acceptable ≤ poor .*good 9000, acceptable 5000/s,
    )
  })
})
