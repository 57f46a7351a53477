import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/index.ts'
import { fixtureDir, runFixture, type VitestRun } from './helpers.ts'

interface ResultsFile {
  version: number
  tests: { test: string; state: string; results: RunResult[] }[]
}

describe('a perf suite with breached thresholds', () => {
  let run: VitestRun
  let results: ResultsFile
  const byName = (name: string) => results.tests.find((t) => t.test === name)

  beforeAll(() => {
    run = runFixture('thresholds')
    results = JSON.parse(readFileSync(path.join(fixtureDir('thresholds'), 'perf-results/results.json'), 'utf8'))
  })

  it('fails the Vitest run, but only the breaching tests', () => {
    expect(run.status, run.output).toBe(1)
    expect(run.output).toMatch(/3 failed \| 1 passed/)
    expect(byName('passing')?.state).toBe('passed')
    expect(byName('breached config threshold')?.state).toBe('failed')
    expect(byName('breached toMeet')?.state).toBe('failed')
  })

  it('explains a breached config threshold with the table of thresholds', () => {
    expect(run.output).toMatch(/1 of 2 thresholds failed for "breached config threshold"/)
    expect(run.output).toMatch(/latency\s+p\(95\)<5ms\s+\d+\.\d+ms\s+✗ FAIL/)
    expect(run.output).toMatch(/errors\s+rate<0\.01\s+0\.00%\s+✓ pass/)
  })

  it('explains a breached toMeet() with the table', () => {
    expect(run.output).toMatch(/1 of 2 thresholds failed for "breached toMeet"/)
    // A 15 ms sleep: at least 15 ms, and a loaded machine adds to it (20–66 ms seen), so only its form.
    expect(run.output).toMatch(/latency\s+p\(99\)<1ms\s+\d+\.\d+ms\s+✗ FAIL/)
    expect(run.output).toMatch(/latency\s+max<10s\s+\d+\.\d+ms\s+✓ pass/)
  })

  it('stops an abortOnFail run early instead of running its 10 s', () => {
    const result = byName('abort on fail')?.results[0]
    expect(result?.state).toBe('aborted')
    expect(result?.abort?.reason).toBe('threshold')
    expect(result?.durationMs).toBeLessThan(4000)
    // 2 VUs at ~10 ms per iteration for 10 s would be ~2000 iterations.
    expect(result?.iterations).toBeGreaterThan(0)
    expect(result?.iterations).toBeLessThan(700)
    expect(run.output).toMatch(/The run was aborted early \(errors: rate<0\.1 failed at \ds, actual 100\.00%/)
  })

  it('prints the per-test summary with executor, percentiles and verdict', () => {
    expect(run.output).toMatch(/test\s+executor\s+iterations\s+throughput\s+p50\s+p95\s+p99\s+errors\s+dropped\s+verdict/)
    expect(run.output).toMatch(/breached config threshold\s+constant-arrival-rate\s+50\s+[\d.]+\/s.*FAIL \(1 threshold\)/)
    expect(run.output).toMatch(/abort on fail\s+constant-vus\s+\d+ \(aborted\)/)
    expect(run.output).toMatch(/passing\s+per-vu-iterations\s+10\s.*\bpass\b/)
    expect(results.version).toBe(1)
    expect(results.tests).toHaveLength(4)
  })
})
