import { describe, expect, it } from 'vitest'
import { PerfError } from '../../src/core/errors.ts'
import type { ServiceDriver } from '../../src/infra/driver.ts'
import { startService } from '../../src/infra/chain.ts'
import { mongodb } from '../../src/infra/services/mongodb.ts'
import { mysql } from '../../src/infra/services/mysql.ts'
import { postgres } from '../../src/infra/services/postgres.ts'
import { redis } from '../../src/infra/services/redis.ts'

/** A driver whose providers only record that they were asked. */
function recordingDriver(client: string): { driver: ServiceDriver; asked: string[] } {
  const asked: string[] = []
  const refuse = (provider: string) => async (): Promise<never> => {
    asked.push(provider)
    throw new Error(`${provider} is not there`)
  }
  const driver: ServiceDriver = {
    service: 'postgres',
    urlEnv: 'VITEST_PERF_TEST_NEVER_SET_URL',
    client,
    defaultImage: 'postgres:16',
    fromUrl: refuse('url'),
    testcontainers: refuse('testcontainers'),
    local: refuse('local'),
    embedded: refuse('embedded'),
    isolate: refuse('isolate'),
    release: refuse('release'),
  }
  return { driver, asked }
}

describe('the client package of a database fixture', () => {
  it.each([
    { driver: postgres, client: 'pg' },
    { driver: mysql, client: 'mysql2/promise' },
    { driver: redis, client: 'ioredis' },
    { driver: mongodb, client: 'mongodb' },
  ])('is $client for $driver.service', ({ driver, client }) => {
    expect(driver.client).toBe(client)
  })

  it('is required before any provider starts a server, naming the package and the install command', async () => {
    const { driver, asked } = recordingDriver('vitest-perf-no-such-client')
    const error = await startService(driver, {}).then(
      () => undefined,
      (e: unknown) => e as PerfError,
    )
    expect(error).toBeInstanceOf(PerfError)
    expect(error?.code).toBe('PERF_PACKAGE_MISSING')
    expect(error?.message).toBe(
      'The "vitest-perf-no-such-client" package is not installed, and the postgres fixture needs it; fix: npm install -D vitest-perf-no-such-client',
    )
    expect(asked).toEqual([])
  })

  it('lets the chain go on when it is installed', async () => {
    const { driver, asked } = recordingDriver('pg')
    const error = await startService(driver, {}).then(
      () => undefined,
      (e: unknown) => e as PerfError,
    )
    expect(error?.code).toBe('PERF_INFRA_UNAVAILABLE')
    expect(asked).toEqual(['testcontainers', 'local', 'embedded'])
  })
})
