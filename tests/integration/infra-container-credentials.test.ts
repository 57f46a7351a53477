import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { getContainerRuntimeClient } from 'testcontainers'
import { afterAll, describe, expect, it } from 'vitest'
import { startService } from '../../src/infra/chain.ts'
import type { ServiceDriver } from '../../src/infra/driver.ts'
import { publishAddress } from '../../src/infra/providers/testcontainers.ts'
import { mysql as mysqlDriver } from '../../src/infra/services/mysql.ts'
import { postgres } from '../../src/infra/services/postgres.ts'
import { redis } from '../../src/infra/services/redis.ts'
import type { RunningServer, ServiceFixture } from '../../src/infra/types.ts'

// Containers publish their port on loopback only, and their servers take a random password.
// CI starts dockerd and builds the images (.ci/run, docker/README.md): there it must run.
const docker = Boolean(process.env.DOCKER_HOST && process.env.VITEST_PERF_POSTGRES_IMAGE)

const started: RunningServer[] = []
afterAll(async () => {
  for (const server of started) await server.stop()
})

async function start(driver: ServiceDriver): Promise<{ server: RunningServer; fixture: ServiceFixture }> {
  const { server } = await startService(driver, { provider: 'testcontainers' })
  started.push(server)
  expect(server.password).toMatch(/^[A-Za-z0-9_-]{24}$/)
  return { server, fixture: await driver.isolate(server, `tc${started.length}`) }
}

/** Checks where the container's ports are published and that its configuration shows no password. */
async function expectPublishedLocally(server: RunningServer): Promise<void> {
  const client = await getContainerRuntimeClient()
  const host = client.info.containerRuntime.host
  const address = await publishAddress(host)
  expect(address, `Testcontainers reaches containers through ${host}`).toBeDefined()
  if (host === 'localhost' || host.startsWith('127.')) expect(address).toBe('127.0.0.1')
  const info = await client.container.inspect(client.container.getById(server.containerId!))
  const configured = Object.values(info.HostConfig.PortBindings ?? {}).flat() as { HostIp: string }[]
  const published = Object.values(info.NetworkSettings.Ports ?? {}).flatMap((b) => b ?? [])
  expect(configured.length).toBeGreaterThan(0)
  expect(published.map((b) => b.HostIp)).toEqual(configured.map(() => address))
  expect(configured.map((b) => b.HostIp)).toEqual(configured.map(() => address))
  // Command, entrypoint and health check are shown by ps and docker inspect to anyone who can look.
  const visible = JSON.stringify([info.Config.Cmd, info.Config.Entrypoint, info.Config.Healthcheck, info.Args, info.Path])
  expect(visible).not.toContain(server.password)
  expect(execFileSync('ps', ['-eo', 'pid,args', '--width', '4096'], { encoding: 'utf8' })).not.toContain(server.password)
  // Another address of this machine does not reach the server.
  const elsewhere = Object.values(networkInterfaces())
    .flatMap((a) => a ?? [])
    .find((a) => a.family === 'IPv4' && !a.internal && a.address !== address)
  if (elsewhere) expect(await connectOutcome(elsewhere.address, server.port)).toBe('ECONNREFUSED')
}

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy()
      resolve('connected')
    })
    socket.setTimeout(5000, () => {
      socket.destroy()
      resolve('timeout')
    })
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })
}

describe.runIf(docker || process.env.CI)('testcontainers: ports on loopback, random passwords', () => {
  it('postgres', async () => {
    const { server, fixture } = await start(postgres)
    await expectPublishedLocally(server)
    const wrong = new pg.Client({ host: server.host, port: server.port, user: server.user, password: 'wrong', database: server.database })
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' })
    const c = new pg.Client({ connectionString: fixture.url })
    await c.connect()
    expect((await c.query('select current_database() as db')).rows[0].db).toBe(fixture.database)
    await c.end()
  }, 180_000)

  it('mysql', async () => {
    const { server, fixture } = await start(mysqlDriver)
    await expectPublishedLocally(server)
    const base = { host: server.host, port: server.port, connectTimeout: 5000 }
    await expect(mysql.createConnection({ ...base, user: 'root', password: 'wrong' })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    })
    // The module's second account has no known password either.
    await expect(mysql.createConnection({ ...base, user: 'test', password: 'test' })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    })
    const c = await mysql.createConnection({ uri: fixture.url })
    const [rows] = await c.query('select database() as db')
    expect(rows).toEqual([{ db: fixture.database }])
    await c.end()
  }, 180_000)

  it('redis', async () => {
    const { server, fixture } = await start(redis)
    await expectPublishedLocally(server)
    const anonymous = new Redis({
      host: server.host,
      port: server.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    const errors: string[] = []
    anonymous.on('error', (e) => errors.push(e.message))
    await expect(anonymous.connect()).rejects.toThrow()
    anonymous.disconnect()
    expect(errors.join('\n')).toMatch(/NOAUTH/)
    const client = new Redis(fixture.url)
    expect(await client.ping()).toBe('PONG')
    client.disconnect()
  }, 180_000)
})
