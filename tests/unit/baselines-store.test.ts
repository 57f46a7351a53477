import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { matchBaseline, type BaselineContext } from '../../src/baselines/matcher.ts'
import { baselinePath, readBaselines, writeBaselineEntry } from '../../src/baselines/store.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { PerfBaselineError } from '../../src/core/errors.ts'

let root: string
const ctx = (update: BaselineContext['update'] = 'new'): BaselineContext => ({
  root,
  baselines: 'baselines',
  testPath: path.join(root, 'tests/orders.perf.test.ts'),
  testName: 'orders > checkout',
  update,
})
const file = () => baselinePath(root, 'baselines', path.join(root, 'tests/orders.perf.test.ts'))
const load = (vus = 1) => runLoad({ executor: 'per-vu-iterations', vus, iterations: 20 }, () => {}, { attach: false })

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vp-baselines-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

async function error(p: Promise<unknown>): Promise<PerfBaselineError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(PerfBaselineError)
    return e as PerfBaselineError
  }
  throw new Error('expected a PerfBaselineError')
}

describe('baseline store', () => {
  it('writes a missing baseline locally, one file per test file keyed by test name', async () => {
    const result = await load()
    const c = await matchBaseline(result, ctx('new'))
    expect(c.notes[0]).toMatch(/baseline written to .*baselines\/tests\/orders\.perf\.test\.ts\.json: commit it/)
    const stored = await readBaselines(file())
    expect(Object.keys(stored!.entries)).toEqual(['orders > checkout'])
    const entry = stored!.entries['orders > checkout']
    expect(entry.loadModel).toMatchObject({ executor: 'per-vu-iterations', vus: 1, iterations: 20 })
    expect(entry.repetitions).toHaveLength(1)
    expect(entry.repetitions[0].histograms.latency.length).toBeGreaterThan(10)
    expect(entry.environment.calibration).toBeGreaterThan(0)
    expect(entry.environment.node).toBe(process.version)
    expect(result.baseline?.verdict).toBe('PASS')
  })

  it('fails under CI (update none) when the baseline is missing, and writes nothing', async () => {
    const e = await error(matchBaseline(await load(), ctx('none')))
    expect(e.code).toBe('PERF_BASELINE_MISSING')
    expect(e.message).toMatch(/No baseline for "orders > checkout" in .* not written under CI .* `vitest run -u`/)
    expect(await readBaselines(file())).toBeUndefined()
  })

  it('never overwrites silently, but -u (update all) does', async () => {
    await matchBaseline(await load(), ctx('new'))
    const first = readFileSync(file(), 'utf8')
    await matchBaseline(await load(), ctx('new'))
    expect(readFileSync(file(), 'utf8')).toBe(first)
    await matchBaseline(await load(), ctx('all'))
    expect(readFileSync(file(), 'utf8')).not.toBe(first)
  })

  it('never writes a baseline from a run that stopped early, missing or with -u', async () => {
    const aborted = await runLoad({ executor: 'constant-vus', vus: 1, duration: '5s' }, () => {}, {
      attach: false,
      signal: AbortSignal.timeout(100),
    })
    expect(aborted.state).toBe('aborted')
    for (const update of ['new', 'all'] as const) {
      const e = await error(matchBaseline(aborted, ctx(update)))
      expect(e.code).toBe('PERF_BASELINE_PARTIAL')
      expect(e.message).toMatch(
        /Not writing the baseline of "orders > checkout" .*: the run was aborted \(signal: .*\), so it measured only part/,
      )
    }
    const interrupted = { ...(await load()), state: 'interrupted' as const }
    expect((await error(matchBaseline(interrupted, ctx('all')))).message).toContain('the run is interrupted')
    expect(await readBaselines(file())).toBeUndefined()
    await matchBaseline(await load(), ctx('new'))
    const first = readFileSync(file(), 'utf8')
    expect((await error(matchBaseline(aborted, ctx('all')))).code).toBe('PERF_BASELINE_PARTIAL')
    expect(readFileSync(file(), 'utf8')).toBe(first)
  })

  it.each([
    ['not JSON', '{"version": 1, "entries": {'],
    ['another version', JSON.stringify({ version: 2, entries: {} })],
    ['an edited entry', JSON.stringify({ version: 1, entries: { x: { createdAt: 'now', loadModel: {}, repetitions: [] } } })],
  ])('a corrupt file (%s) gives a clear error, not a crash', async (_, text) => {
    await writeBaselineEntry(file(), 'seed', {
      createdAt: 'x',
      loadModel: { executor: 'constant-vus' },
      environment: { cpuModel: '', cpus: 1, memoryGB: 1, os: '', arch: '', node: '', infra: [], calibration: 1 },
      repetitions: (await load()).repetitions ?? [],
    }).catch(() => {})
    writeFileSync(file(), text)
    const e = await error(matchBaseline(await load(), ctx('new')))
    expect(e.code).toBe('PERF_BASELINE_CORRUPT')
    expect(e.message).toContain(file())
    expect(e.message).toMatch(/Restore it from git, or .*record .*`vitest run -u`/)
  })

  it('refuses to compare different load models, naming each difference', async () => {
    await matchBaseline(await load(1), ctx('new'))
    const e = await error(matchBaseline(await load(3), ctx('new')))
    expect(e.code).toBe('PERF_BASELINE_LOAD_MODEL')
    expect(e.message).toMatch(/another load model[\s\S]*- vus: 1 → 3/)
  })

  it('refuses a different environment when asked to', async () => {
    await matchBaseline(await load(), ctx('new'))
    const stored = JSON.parse(readFileSync(file(), 'utf8'))
    stored.entries['orders > checkout'].environment.cpuModel = 'Some Other CPU'
    writeFileSync(file(), JSON.stringify(stored))
    const e = await error(matchBaseline(await load(), ctx('new'), { environment: 'refuse' }))
    expect(e.code).toBe('PERF_BASELINE_ENVIRONMENT')
    expect(e.message).toMatch(/cpuModel: "Some Other CPU" → /)
    const warned = await matchBaseline(await load(), ctx('new'), { environment: 'warn' })
    expect(warned.notes.join(' ')).toMatch(/environment differs from the baseline's: cpuModel/)
  })

  it('INCONCLUSIVE reruns are bounded by maxRerunTime as well as by rounds', async () => {
    await matchBaseline(await load(), ctx('new'))
    // Far slower than the empty baseline workflow, with one repetition a side: a change no test can
    // call significant, so INCONCLUSIVE every time (two empty runs within 5 % of each other PASS).
    const spin = () => {
      const until = performance.now() + 0.3
      while (performance.now() < until);
    }
    const slower = await runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 20 }, spin, { attach: false })
    const c = await matchBaseline(slower, ctx('new'), { maxRerunTime: 1 })
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.repetitions.current).toBe(1)
    expect(c.notes.join('\n')).toMatch(/no more reruns: 3 more repetitions \(~\d+ s\) would exceed maxRerunTime 0 s/)
  })

  it('concurrent writers from several processes lose no entry', async () => {
    const target = file()
    const writer = path.join(root, 'writer.ts')
    writeFileSync(
      writer,
      `import { writeBaselineEntry } from ${JSON.stringify(path.resolve('src/baselines/store.ts'))}
       const [file, prefix] = process.argv.slice(2)
       const env = { cpuModel: 'x', cpus: 1, memoryGB: 1, os: 'x', arch: 'x', node: 'x', infra: [], calibration: 1 }
       const s = { count: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 }
       const rep = { iterations: 1, durationMs: 1, throughput: 1, errorRate: 0, dropped: 0, latency: s, serviceTime: s, histograms: { latency: 'x', serviceTime: 'x' } }
       await Promise.all(Array.from({ length: 10 }, (_, i) => writeBaselineEntry(file, prefix + i, { createdAt: 'now', loadModel: { executor: 'constant-vus' }, environment: env, repetitions: [rep] })))`,
    )
    const child = (prefix: string) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, [writer, target, prefix], { stdio: 'inherit' }).once('exit', resolve))
    expect(await Promise.all(['a', 'b', 'c', 'd'].map(child))).toEqual([0, 0, 0, 0])
    const stored = await readBaselines(target)
    expect(Object.keys(stored!.entries)).toHaveLength(40)
  }, 30_000)
})
