import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixtureDir, runFixture } from './helpers.ts'
import { ourServerProcesses } from './infra-processes.ts'

interface VitestJson {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
}

const services = ['postgres', 'mysql', 'redis'] as const
const pin = (provider: Record<(typeof services)[number], string>) =>
  Object.fromEntries(
    services.flatMap((s) => [
      [`VITEST_PERF_${s.toUpperCase()}_PROVIDER`, provider[s]],
      [`EXPECT_${s.toUpperCase()}_PROVIDER`, provider[s]],
    ]),
  )

// The machine's own servers (see DEVELOPERS.md): what a user's VITEST_PERF_*_URL would name.
const machineUrls = {
  VITEST_PERF_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  VITEST_PERF_MYSQL_URL: 'mysql://root@127.0.0.1:3306/mysql',
  VITEST_PERF_REDIS_URL: 'redis://127.0.0.1:6379/0',
}
const noDocker = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }

function runProviders(env: Record<string, string>) {
  const isolationDir = mkdtempSync(path.join(tmpdir(), 'vp-isolation-'))
  try {
    const run = runFixture('infra', [], { ...env, ISOLATION_DIR: isolationDir })
    const json = JSON.parse(readFileSync(path.join(fixtureDir('infra'), 'perf-results/vitest.json'), 'utf8')) as VitestJson
    const a = JSON.parse(readFileSync(path.join(isolationDir, 'a.json'), 'utf8'))
    const b = JSON.parse(readFileSync(path.join(isolationDir, 'b.json'), 'utf8'))
    return { run, json, a, b }
  } finally {
    rmSync(isolationDir, { recursive: true, force: true })
  }
}

describe.each([
  ['local', { ...pin({ postgres: 'local', mysql: 'local', redis: 'local' }), ...noDocker }],
  ['url', { ...pin({ postgres: 'url', mysql: 'url', redis: 'url' }), ...machineUrls }],
  ['embedded (postgres)', { ...pin({ postgres: 'embedded', mysql: 'local', redis: 'local' }), ...noDocker }],
])('provider %s', (_, env) => {
  it('runs real queries, and two files in parallel on one server do not see each other', () => {
    const { run, json, a, b } = runProviders(env)
    expect(json.numFailedTests, run.output).toBe(0)
    expect(json.numPassedTests, run.output).toBe(5)
    // Same servers, different databases.
    expect(a.postgres).toBe(b.postgres)
    expect(a.mysql).toBe(b.mysql)
    expect(a.redis).toBe(b.redis)
    expect(a.pgDb).not.toBe(b.pgDb)
    expect(ourServerProcesses(), 'servers stopped after the run').toEqual([])
  })
})

// CI starts dockerd and builds the images (.ci/run, docker/README.md): there it must run.
const docker = Boolean(process.env.DOCKER_HOST && process.env.VITEST_PERF_POSTGRES_IMAGE)
describe.runIf(docker || process.env.CI)('provider testcontainers', () => {
  it('runs real queries through the unmodified Testcontainers modules', () => {
    const { run, json } = runProviders(pin({ postgres: 'testcontainers', mysql: 'testcontainers', redis: 'testcontainers' }))
    expect(json.numFailedTests, run.output).toBe(0)
    expect(json.numPassedTests, run.output).toBe(5)
  })
})

describe('an explicit URL that does not work', () => {
  it('fails the test, also without CI and with onUnavailable auto: it is never skipped', async () => {
    const { freePort } = await import('../../src/infra/free-port.ts')
    const port = await freePort()
    const run = runFixture('infra', ['-t', 'postgres'], {
      FIXTURE_FILES: 'queries.perf.ts',
      ON_UNAVAILABLE: 'auto',
      CI: '',
      GITHUB_ACTIONS: '',
      VITEST_PERF_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/nope`,
    })
    const json = JSON.parse(readFileSync(path.join(fixtureDir('infra'), 'perf-results/vitest.json'), 'utf8')) as VitestJson
    expect(run.status, run.output).toBe(1)
    expect(json.numFailedTests, run.output).toBe(1)
    // The other two tests are filtered out by -t; the postgres one failed, it was not skipped.
    expect(run.output).toMatch(/× postgres answers a query/)
    expect(run.output).toContain('VITEST_PERF_POSTGRES_URL names the postgres server to use, and it cannot be used')
    expect(run.output).toMatch(/ECONNREFUSED.*nothing listens there/)
    expect(run.output).toContain('unset VITEST_PERF_POSTGRES_URL to let vitest-perf start one')
  })
})
