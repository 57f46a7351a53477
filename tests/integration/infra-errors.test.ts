import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PerfInfraError } from '../../src/core/errors.ts'
import { startService } from '../../src/infra/chain.ts'
import { freePort } from '../../src/infra/free-port.ts'
import { mongodb } from '../../src/infra/services/mongodb.ts'
import { postgres } from '../../src/infra/services/postgres.ts'
import { redis } from '../../src/infra/services/redis.ts'

async function failure(p: Promise<unknown>): Promise<PerfInfraError> {
  try {
    const started = (await p) as { server: { stop(): Promise<void> } }
    await started.server.stop()
  } catch (e) {
    expect(e).toBeInstanceOf(PerfInfraError)
    return e as PerfInfraError
  }
  throw new Error('expected the provider to fail')
}

describe('infrastructure errors say which provider, what happened and how to fix it', () => {
  let blocker: Server | undefined
  afterEach(() => blocker?.close())

  it('a wrong URL', async () => {
    const port = await freePort()
    const e = await failure(startService(postgres, { url: `postgres://app:secret@127.0.0.1:${port}/shop` }))
    // Its own code: the fixture fails the test (never skips it, also without CI).
    expect(e.code).toBe('PERF_INFRA_URL_INVALID')
    expect(e.message).toMatch(/^perf\(\{ infra: \{ postgres: \{ url \} \} \}\) names the postgres server to use, and it cannot be used/)
    expect(e.message).toContain('- url: postgres at postgres://app:***@127.0.0.1')
    expect(e.message).toMatch(/ECONNREFUSED.*nothing listens there: start the server or fix the host\/port/)
    expect(e.message).not.toContain('secret')
    // An explicit URL that does not work is not silently replaced by another provider.
    expect(e.message).not.toMatch(/- local:/)
  })

  it('a URL that is not a URL of that database', async () => {
    const e = await failure(startService(redis, { url: 'http://127.0.0.1:6379' }))
    expect(e.message).toMatch(/redis URL "http:\/\/127\.0\.0\.1:6379" cannot be used \(protocol http:\); write it as redis:\/\//)
  })

  it.each([
    ['redis', redis],
    ['postgres', postgres],
  ] as const)('a port in use (%s, local)', async (_, driver) => {
    blocker = createServer(() => {})
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    const e = await failure(startService(driver, { provider: 'local', port }))
    expect(e.message).toMatch(/- local: .*exited during startup/)
    expect(e.message).toMatch(/Address already in use|could not bind/i)
    expect(e.message).toContain('fix: the port is in use by another process')
  })

  it('a missing binary', async () => {
    const e = await failure(startService(mongodb, { provider: 'local' }))
    expect(e.message).toMatch(/- local: mongod not found on PATH; fix: install MongoDB/)
  })

  it('a server that dies during startup shows its last log lines', async () => {
    const e = await failure(startService(postgres, { provider: 'local', settings: { shared_buffers: 'plenty' } }))
    expect(e.message).toMatch(/postgres \(local\) exited during startup \(code 1/)
    expect(e.message).toMatch(/\| .*invalid value for parameter "shared_buffers": "plenty"/)
    expect(e.message).toContain('fix: a server setting is wrong')
  })

  // Testcontainers caches its runtime detection per process: this test leaves DOCKER_HOST alone,
  // and testcontainers fails either for lack of a runtime or of the image.
  it('no provider at all names every provider tried and why', async () => {
    const e = await failure(startService(mongodb, { image: 'vitest-perf/no-such-mongo:0' }))
    expect(e.message).toMatch(/^No mongodb server could be had\. Providers tried:/)
    expect(e.message).toMatch(/- url: not configured \(VITEST_PERF_MONGODB_URL is not set\)/)
    expect(e.message).toMatch(/- testcontainers: .+\n {4}fix: (start Docker|the image cannot be pulled)/)
    expect(e.message).toMatch(/- local: mongod not found/)
    expect(e.message).toMatch(/- embedded: not available for mongodb/)
  }, 60_000)
})

describe('pinned versions and images that do not exist', () => {
  it('a PostgreSQL version that is not installed names the installed ones', async () => {
    const e = await failure(startService(postgres, { provider: 'local', version: '9' }))
    expect(e.message).toMatch(
      /PostgreSQL 9 is not installed under \/usr\/lib\/postgresql\/9\/bin \(installed: 15\); fix: apt-get install postgresql-9/,
    )
  })

  // MongoDB's Testcontainers path, where a container runtime answers (our CI's dockerd): the
  // module is really started and fails on the image no registry here can give.
  it.runIf(process.env.DOCKER_HOST?.includes('vitest-perf-docker'))(
    'the MongoDB testcontainers provider tries its image and says why it failed',
    async () => {
      const e = await failure(startService(mongodb, { provider: 'testcontainers', image: 'mongo:7' }))
      expect(e.message).toMatch(/- testcontainers: .*(registry|pull|no such host|127\.0\.0\.1:80)/is)
      expect(e.message).toMatch(/fix: the image cannot be pulled here: .* VITEST_PERF_MONGODB_IMAGE/)
    },
    60_000,
  )
})
