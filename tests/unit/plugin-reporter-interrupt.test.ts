import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestCase, TestModule, Vitest } from 'vitest/node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseResultsFile } from '../../src/cli/read-results.ts'
import type { ProgressEvent } from '../../src/core/progress-event.ts'
import { META_KEY, type RunResult } from '../../src/core/result.ts'
import { resolvePerfOptions } from '../../src/plugin/options.ts'
import { PerfReporter } from '../../src/plugin/reporter.ts'
import { fakeResult } from '../helpers/run-result.ts'

let root: string
let logged: string[]
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vitest-perf-reporter-'))
  logged = []
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const results = () => path.join(root, 'perf-results')
const read = (name: string) => readFileSync(path.join(results(), name), 'utf8')

function reporter(): PerfReporter {
  const r = new PerfReporter(resolvePerfOptions({ reports: ['md'], githubSummary: false }))
  const logger = { log: (t: string) => logged.push(t), error: (t: string) => logged.push(t) }
  r.onInit({ config: { root }, logger } as unknown as Vitest)
  return r
}

const module = { project: { name: 'tier2' }, moduleId: '' } as unknown as TestModule

/** The shape of a Vitest TestCase the reporter reads. */
function testCase(id: string, name: string, state: 'passed' | 'failed' | 'pending', runs: RunResult[] = []): TestCase {
  Object.assign(module, { moduleId: path.join(root, 'a.perf.ts') })
  return {
    id,
    fullName: name,
    module,
    meta: () => (runs.length ? { [META_KEY]: runs } : {}),
    result: () => ({ state }),
  } as unknown as TestCase
}

function progress(testId: string | undefined, seconds: number, runId = `run-${testId}`): ProgressEvent {
  return {
    runId,
    name: 'soak',
    executor: 'constant-vus',
    elapsedMs: seconds * 1000,
    plannedMs: 20_000,
    point: { t: seconds - 1, ms: 1000, iterations: 10, errors: 0, dropped: 0, throughput: 10, p50: 4, p95: 6, p99: 8, vus: 2 },
    totals: { iterations: seconds * 10, failed: 0, dropped: 0 },
    errorsByKind: {},
    done: false,
    testId,
  }
}

describe('PerfReporter on SIGINT', () => {
  it('moves the results of the run before aside when the run starts', () => {
    mkdirSync(results(), { recursive: true })
    writeFileSync(path.join(results(), 'results.json'), '{"stale": true}')
    reporter().onTestRunStart()
    expect(existsSync(path.join(results(), 'results.json'))).toBe(false)
    expect(readFileSync(path.join(results(), 'previous', 'results.json'), 'utf8')).toBe('{"stale": true}')
  })

  it('writes the finished tests and the running one from its progress, marked interrupted', () => {
    const r = reporter()
    r.onTestRunStart()
    const done = testCase('t1', 'checkout', 'passed', [fakeResult({ name: 'checkout' })])
    const running = testCase('t2', 'soak', 'pending')
    r.onTestCaseReady(done)
    r.onTestCaseReady(running)
    r.progress(progress('t1', 1))
    r.onTestCaseResult(done)
    // A late event of the finished test is not taken for a run still going.
    r.progress(progress('t1', 2))
    r.progress(progress('t2', 1))
    r.progress(progress('t2', 3))
    r.interrupt('SIGINT')
    const file = parseResultsFile(read('results.json'), 'results.json')
    expect(file.interrupted).toBe(true)
    expect(file.entries.map((e) => [e.test, e.state, e.results.map((x) => [x.state, x.iterations])])).toEqual([
      ['checkout', 'passed', [['completed', 100]]],
      ['soak', 'interrupted', [['interrupted', 30]]],
    ])
    expect(file.entries[1].results[0].timeline.map((p) => p.t)).toEqual([0, 2])
    expect(read('report.md')).toContain('INTERRUPTED — partial results')
    const out = logged.join('\n')
    expect(out).toContain('vitest-perf: SIGINT: measured so far')
    expect(out).toMatch(/\[tier2\] soak\s+constant-vus\s+30 \(interrupted\)/)
    expect(out).toContain('vitest-perf: wrote perf-results/results.json, perf-results/report.md (interrupted: partial results)')
  })

  it('files a run outside any test under its own name, and writes nothing when nothing was measured', () => {
    const r = reporter()
    r.onTestRunStart()
    r.interrupt('SIGTERM')
    expect(existsSync(results())).toBe(false)
    expect(logged.join('\n')).toContain('SIGTERM before any perf run reported a measurement; nothing written')

    const again = reporter()
    again.onTestRunStart()
    again.progress(progress(undefined, 2))
    again.interrupt('SIGINT')
    expect(parseResultsFile(read('results.json'), 'r').entries.map((e) => [e.test, e.state])).toEqual([['soak', 'interrupted']])
  })

  it('does nothing once the run has ended: its files are complete', async () => {
    const r = reporter()
    r.onTestRunStart()
    const done = testCase('t1', 'checkout', 'passed', [fakeResult()])
    const children = { allTests: () => [done] }
    await r.onTestRunEnd([{ ...module, children } as unknown as TestModule], [], 'passed')
    const written = read('results.json')
    expect(JSON.parse(written)).toMatchObject({ interrupted: false })
    r.interrupt('SIGINT')
    expect(read('results.json')).toBe(written)
  })

  it('marks the files interrupted when Vitest cancelled the run (watch mode Ctrl-C, --bail)', async () => {
    const r = reporter()
    r.onTestRunStart()
    const children = { allTests: () => [testCase('t1', 'checkout', 'passed', [fakeResult()])] }
    await r.onTestRunEnd([{ ...module, children } as unknown as TestModule], [], 'interrupted')
    expect(parseResultsFile(read('results.json'), 'r').interrupted).toBe(true)
    expect(read('report.md')).toContain('INTERRUPTED — partial results')
  })
})
