import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { isAlive } from '../../src/infra/leftovers.ts'
import { fixtureDir, runFixture } from './helpers.ts'

const root = path.resolve(import.meta.dirname, '../..')

describe('a run killed with SIGKILL', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vp-killed-'))
  const env = {
    VITEST_PERF_STATE_DIR: path.join(work, 'state'),
    VITEST_PERF_POSTGRES_PROVIDER: 'local',
    VITEST_PERF_MYSQL_PROVIDER: 'local',
    VITEST_PERF_REDIS_PROVIDER: 'local',
  }
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('leaves servers behind that the next run reports and removes', async () => {
    const ready = path.join(work, 'ready.json')
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(fixtureDir('infra'), 'vitest.config.ts')],
      {
        cwd: fixtureDir('infra'),
        env: { ...process.env, ...env, FIXTURE_FILES: 'hang.perf.ts', READY_FILE: ready, NO_COLOR: '1' },
        stdio: 'ignore',
      },
    )
    const deadline = Date.now() + 90_000
    while (!existsSync(ready) && Date.now() < deadline) await sleep(100)
    expect(existsSync(ready), 'the hanging test acquired its servers').toBe(true)
    const { pids, main } = JSON.parse(readFileSync(ready, 'utf8')) as { pids: number[]; main: number }
    expect(main).toBe(child.pid)
    process.kill(child.pid!, 'SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    await sleep(500)
    expect(pids.every(isAlive), 'the servers outlived the killed run').toBe(true)

    const next = runFixture('infra', [], { ...env, FIXTURE_FILES: 'queries.perf.ts' })
    for (const service of ['postgres', 'mysql', 'redis']) {
      expect(next.output).toMatch(
        new RegExp(
          `removed leftovers of a killed run: ${service} \\(local\\) of run pid ${child.pid}: killed ${service} pid \\d+, deleted \\S+vitest-perf-`,
        ),
      )
    }
    await sleep(500)
    expect(pids.filter(isAlive), 'every leftover server is gone').toEqual([])
    expect(next.status, next.output).toBe(0)
  })
})
