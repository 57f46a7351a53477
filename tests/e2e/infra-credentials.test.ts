import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { isAlive } from '../../src/infra/leftovers.ts'
import { fixtureDir, runFixture } from './helpers.ts'

// The local servers' random passwords reach the test (fixture URLs), never the reports: a run
// whose error messages and name carry every fixture URL writes results.json, report.md,
// report.html and summary.csv and prints its summary with `***` in their place.
it('passwords of the servers vitest-perf started are in no report and no console line', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vp-credentials-'))
  try {
    const secretsFile = path.join(work, 'secrets.json')
    const run = runFixture('infra', [], {
      FIXTURE_FILES: 'credentials.perf.ts',
      SECRETS_FILE: secretsFile,
      VITEST_PERF_POSTGRES_PROVIDER: 'local',
      VITEST_PERF_MYSQL_PROVIDER: 'local',
      VITEST_PERF_REDIS_PROVIDER: 'local',
    })
    expect(run.status, run.output).toBe(0)
    const { passwords: secrets, pids } = JSON.parse(readFileSync(secretsFile, 'utf8')) as { passwords: string[]; pids: number[] }
    expect(secrets).toHaveLength(3)
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const dir = path.join(fixtureDir('infra'), 'perf-results')
    const reports = readdirSync(dir).filter((f) => /^(results\.json|report\.(md|html)|summary\.csv)$/.test(f))
    expect(reports.sort()).toEqual(['report.html', 'report.md', 'results.json', 'summary.csv'])
    const written = [run.output, ...reports.map((f) => readFileSync(path.join(dir, f), 'utf8'))]
    for (const text of written) for (const secret of secrets) expect(text).not.toContain(secret)
    // What was hidden is still told: which URL, with `***` for its password.
    const results = readFileSync(path.join(dir, 'results.json'), 'utf8')
    expect(results).toMatch(/cannot use postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/vp_/)
    expect(results).toMatch(/load on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/)
    expect(run.output).toMatch(/load on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/)
    // This run's servers only: other runs on the machine may hold servers of their own.
    expect(
      pids.filter((pid) => isAlive(pid)),
      'servers stopped after the run',
    ).toEqual([])
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})
