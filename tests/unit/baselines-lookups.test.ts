import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { matchBaseline, type BaselineContext } from '../../src/baselines/matcher.ts'
import { baselineEntry, baselinePath, readBaselines, withLock } from '../../src/baselines/store.ts'
import { compareCommand } from '../../src/cli/compare.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { runLoad } from '../../src/run/run-load.ts'

let root: string
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vitest-perf-lookups-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const load = () => runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 20 }, () => {}, { attach: false })

describe('keyed lookups of user names', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'a test named %j has no baseline until one is written',
    async (name) => {
      const ctx = (update: BaselineContext['update']): BaselineContext => ({
        root,
        baselines: 'baselines',
        testPath: path.join(root, 't.perf.test.ts'),
        testName: name,
        update,
      })
      const result = await load()
      // Under CI a missing baseline is an error: inherited Object.prototype members must not count.
      await expect(matchBaseline(result, ctx('none'))).rejects.toMatchObject({ code: 'PERF_BASELINE_MISSING' })
      await matchBaseline(result, ctx('new'))
      const file = await readBaselines(baselinePath(root, 'baselines', path.join(root, 't.perf.test.ts')))
      expect(baselineEntry(file, name)?.repetitions).toHaveLength(1)
      expect(baselineEntry(file, 'valueOf')).toBeUndefined()
      expect(Object.getPrototypeOf(file!.entries)).toBe(Object.prototype)
    },
  )

  it('vitest-perf compare skips a test named constructor without a baseline instead of crashing', async () => {
    const baselineFile = path.join(root, 'b.json')
    writeFileSync(baselineFile, JSON.stringify({ version: 1, entries: {} }))
    const result = await load()
    const entries: PerfTestEntry[] = [{ project: '', file: 'x', test: 'constructor', state: 'passed', results: [result] }]
    const lines: string[] = []
    const log = console.log
    console.log = (line: string) => lines.push(line)
    try {
      expect(await compareCommand([baselineFile, 'r.json'], async () => ({ entries, interrupted: false }))).toBe(0)
    } finally {
      console.log = log
    }
    expect(lines.join('\n')).toContain('0 runs compared')
  })
})

describe('the baseline lock', () => {
  it('a stale lock is taken over by one waiter only: critical sections never overlap', async () => {
    const file = path.join(root, 'b.json')
    writeFileSync(`${file}.lock`, '99999')
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${file}.lock`, old, old)
    let inside = 0
    let most = 0
    const hold = () =>
      withLock(file, async () => {
        inside++
        most = Math.max(most, inside)
        await new Promise((r) => setTimeout(r, 20))
        inside--
      })
    await Promise.all(Array.from({ length: 12 }, hold))
    expect(most).toBe(1)
  })
})
