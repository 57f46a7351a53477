import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fixtureDir, runFixture } from './helpers.ts'

// The whole baseline flow through Vitest itself: written by hand, compared under CI, a 20 %
// slowdown caught, -u updates, a missing baseline fails under CI.
describe('baselines through vitest run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vp-baseline-flow-'))
  const env = { BASELINES_DIR: dir, CI: '', GITHUB_ACTIONS: '' }
  const file = path.join(dir, 'checkout.perf.ts.json')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  // The comparison's notes and drift from the run's results.json: why a verdict was what it was.
  const judgement = () => {
    const results = JSON.parse(readFileSync(path.join(fixtureDir('baselines'), 'perf-results/results.json'), 'utf8'))
    const { notes, drift, metrics } = results.tests[0].results[0].baseline ?? {}
    const cur = results.tests[0].results[0].repetitions.map((r: { probe?: unknown; otherCores?: number }) => [r.probe, r.otherCores])
    const base = JSON.parse(readFileSync(file, 'utf8')).entries['checkout step'].repetitions.map(
      (r: { probe?: unknown; otherCores?: number }) => [r.probe, r.otherCores],
    )
    return JSON.stringify({ notes, drift, reasons: metrics?.map((m: { reason?: string }) => m.reason), base, cur })
  }

  it('writes a missing baseline when run by hand', () => {
    const run = runFixture('baselines', [], env)
    expect(run.status, run.output).toBe(0)
    const stored = JSON.parse(readFileSync(file, 'utf8'))
    expect(stored.entries['checkout step'].repetitions).toHaveLength(5)
  })

  it('passes the same workload under CI without rewriting the baseline', () => {
    const before = readFileSync(file, 'utf8')
    const run = runFixture('baselines', [], { ...env, CI: 'true' })
    expect(run.status, run.output).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('fails a 20 % slowdown as a REGRESSION with the table', () => {
    const run = runFixture('baselines', [], { ...env, CI: 'true', SLOWDOWN: '1.2' })
    expect(run.status, `${run.output}\n${judgement()}`).toBe(1)
    expect(run.output).toMatch(/PerfRegressionError: REGRESSION \((minor|major|critical)\) against the baseline of "checkout step"/)
    expect(run.output).toMatch(/latency\.p50\s+\S+ms\s+\S+ms\s+\+\d+\.\d%\s+\[\+/)
  })

  it('vitest-perf compare judges the results file the same way, in text and Markdown', () => {
    const results = path.join(fixtureDir('baselines'), 'perf-results/results.json')
    const cli = (format: string) =>
      spawnSync(process.execPath, [path.resolve('src/cli/main.ts'), 'compare', file, results, '--format', format], { encoding: 'utf8' })
    const text = cli('text')
    expect(text.status, text.stderr).toBe(1)
    expect(text.stdout).toMatch(/^1 run compared with .*, 1 regressed/)
    // 5 vs 5, or more on the current side when the run measured more after an inconclusive first look.
    expect(text.stdout).toMatch(/REGRESSION \((minor|major|critical)\) "checkout step" \(\d+ vs 5 repetitions/)
    const md = cli('md')
    expect(md.stdout).toMatch(/\| metric \| baseline \| current \| change \| 95% interval \| p \| noise \| detectable \| verdict \|/)
  })

  it('updates the baseline with -u', () => {
    const before = readFileSync(file, 'utf8')
    const run = runFixture('baselines', ['-u'], { ...env, SLOWDOWN: '1.2' })
    expect(run.status, run.output).toBe(0)
    expect(readFileSync(file, 'utf8')).not.toBe(before)
    const again = runFixture('baselines', [], { ...env, CI: 'true', SLOWDOWN: '1.2' })
    expect(again.status, again.output).toBe(0)
  })

  it('fails under CI when the baseline is missing', () => {
    rmSync(file)
    const run = runFixture('baselines', [], { ...env, CI: 'true' })
    expect(run.status).toBe(1)
    expect(run.output).toMatch(/PERF_BASELINE_MISSING|No baseline for "checkout step"/)
    expect(existsSync(file)).toBe(false)
  })
})
