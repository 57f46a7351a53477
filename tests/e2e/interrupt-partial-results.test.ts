import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResultsFile } from '../../src/cli/read-results.ts'
import type { ResultsFile } from '../../src/reporters/collect.ts'
import { isAlive } from '../../src/infra/leftovers.ts'
import { fixtureDir } from './helpers.ts'

const root = path.resolve(import.meta.dirname, '../..')
const dir = fixtureDir('interrupt')
const results = path.join(dir, 'perf-results')

const STALE = {
  version: 1,
  createdAt: '2020-01-01T00:00:00.000Z',
  interrupted: false,
  tests: [{ project: '', file: 'old.perf.ts', test: 'stale test from an earlier run', state: 'passed', results: [] }],
}

interface Outcome {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
  exitMs: number
  workerPid: number
}

/** Starts Vitest on the fixture, waits until the long run's load starts, lets it run, then sends SIGINT. */
async function interruptedRun(work: string): Promise<Outcome> {
  const ready = path.join(work, 'ready.json')
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(dir, 'vitest.config.ts')],
    {
      cwd: dir,
      env: { ...process.env, READY_FILE: ready, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  )
  try {
    const deadline = Date.now() + 90_000
    while (!existsSync(ready) && Date.now() < deadline && child.exitCode === null) await sleep(100)
    expect(existsSync(ready), `the long run started\n${output}`).toBe(true)
    // About 3 s of load: three closed seconds reported to the main process.
    await sleep(3_500)
    const sent = Date.now()
    child.kill('SIGINT')
    const [code, signal] = await Promise.race([exited, sleep(30_000).then(() => [null, null] as [null, null])])
    return { code, signal, output, exitMs: Date.now() - sent, workerPid: (JSON.parse(readFileSync(ready, 'utf8')) as { pid: number }).pid }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

describe('Ctrl-C during a perf run', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vp-interrupt-'))
  let run: Outcome
  let file: ResultsFile

  beforeAll(async () => {
    rmSync(results, { recursive: true, force: true })
    rmSync(path.join(dir, 'baselines'), { recursive: true, force: true })
    mkdirSync(results, { recursive: true })
    writeFileSync(path.join(results, 'results.json'), JSON.stringify(STALE))
    writeFileSync(path.join(results, 'report.md'), '## vitest-perf report\n\nstale\n')
    run = await interruptedRun(work)
    file = parseResultsFile(readFileSync(path.join(results, 'results.json'), 'utf8'), 'results.json')
  }, 150_000)

  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('exits soon, with a failing status', () => {
    expect(run.code, run.output).not.toBe(0)
    expect(run.code === null && run.signal === null, `still running 30 s after SIGINT\n${run.output}`).toBe(false)
    expect(run.exitMs).toBeLessThan(15_000)
  })

  it('prints what was measured so far: the finished test and the interrupted one', () => {
    expect(run.output).toContain('vitest-perf: SIGINT: measured so far')
    expect(run.output).toContain('vitest-perf: INTERRUPTED — partial results')
    expect(run.output).toMatch(/^quick checkout\s+constant-vus\s+\d+\s+[\d.]+\/s\s.*\bpass\s*$/m)
    const soak = run.output.match(
      /^long soak\s+constant-arrival-rate\s+(\d+) \(interrupted\)\s+([\d.]+)\/s\s+([\d.]+)ms\s.*\binterrupted\s*$/m,
    )
    expect(soak, run.output).not.toBeNull()
    expect(Number(soak![1])).toBeGreaterThan(0)
    expect(Number(soak![3])).toBeGreaterThan(0)
    expect(run.output).toMatch(
      /vitest-perf: wrote perf-results\/results\.json, perf-results\/report\.md, .* \(interrupted: partial results\)/,
    )
  })

  it('writes a valid results.json marked interrupted, with the partial figures of the running test', () => {
    expect(file.interrupted).toBe(true)
    expect(file.entries.map((e) => [e.test, e.state])).toEqual([
      ['quick checkout', 'passed'],
      ['long soak', 'interrupted'],
    ])
    expect(file.entries[0].results[0]).toMatchObject({ state: 'completed' })
    const partial = file.entries[1].results[0]
    expect(partial).toMatchObject({ name: 'long soak', state: 'interrupted', config: { executor: 'constant-arrival-rate' } })
    expect(partial.iterations).toBeGreaterThan(0)
    expect(partial.latency.count).toBe(partial.iterations)
    expect(partial.latency.p50).toBeGreaterThan(0)
    expect(partial.timeline.length).toBeGreaterThanOrEqual(2)
    expect(partial.durationMs).toBeGreaterThan(1_500)
    const raw = JSON.parse(readFileSync(path.join(results, 'results.json'), 'utf8')) as { signal?: string }
    expect(raw.signal).toBe('SIGINT')
  })

  it('writes the reports headed INTERRUPTED — partial results', () => {
    const md = readFileSync(path.join(results, 'report.md'), 'utf8')
    expect(md).toMatch(/^## vitest-perf report\n\n> ⚠️ \*\*INTERRUPTED — partial results\.\*\*/)
    expect(md).toMatch(/\| long soak \| constant-arrival-rate \| [1-9][\d,]* \|.*\| ⚠️ interrupted \|/)
    expect(readFileSync(path.join(results, 'report.html'), 'utf8')).toContain('INTERRUPTED — partial results')
  })

  it('does not leave the results of the run before as they were: they are in previous/', () => {
    expect(JSON.stringify(file.entries)).not.toContain('stale test from an earlier run')
    expect(readFileSync(path.join(results, 'previous', 'results.json'), 'utf8')).toContain('stale test from an earlier run')
    expect(readFileSync(path.join(results, 'previous', 'report.md'), 'utf8')).toContain('stale')
  })

  it('writes no baseline: the interrupted test never reaches toMatchBaseline()', async () => {
    const deadline = Date.now() + 10_000
    while (isAlive(run.workerPid) && Date.now() < deadline) await sleep(100)
    expect(isAlive(run.workerPid), 'the worker of the interrupted test is gone').toBe(false)
    expect(existsSync(path.join(dir, 'baselines'))).toBe(false)
  })
})
