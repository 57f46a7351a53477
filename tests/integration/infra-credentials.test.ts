import { execFileSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startService } from '../../src/infra/chain.ts'
import type { ServiceDriver } from '../../src/infra/driver.ts'
import { writeSecretFile } from '../../src/infra/secrets.ts'
import { mysql as mysqlDriver } from '../../src/infra/services/mysql.ts'
import { postgres } from '../../src/infra/services/postgres.ts'
import { redis } from '../../src/infra/services/redis.ts'
import type { ProviderName, RunningServer, ServiceFixture } from '../../src/infra/types.ts'

// Servers vitest-perf starts itself get a random password per run: nobody else on the machine
// can log in, the fixture URL can, and the password shows neither in `ps` nor in files left over.

const started: RunningServer[] = []
afterAll(async () => {
  for (const server of started) await server.stop()
})

async function start(driver: ServiceDriver, provider: ProviderName): Promise<{ server: RunningServer; fixture: ServiceFixture }> {
  const { server } = await startService(driver, { provider })
  started.push(server)
  expect(server.provider).toBe(provider)
  expect(server.password).toMatch(/^[A-Za-z0-9_-]{24}$/)
  return { server, fixture: await driver.isolate(server, `cred${started.length}`) }
}

/** What `ps` shows of every process, and the command lines of the server's own processes. */
function processListing(server: RunningServer): string {
  const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  return `${execFileSync('ps', ['-eo', 'pid,args', '--width', '4096'], { encoding: 'utf8' })}\n${cmdline}`
}

/** The server's temp dir (its cwd, or the parent of its data dir), and every file left in it. */
function filesOf(server: RunningServer): { dir: string; files: string[] } {
  let dir = readlinkSync(`/proc/${server.pid}/cwd`)
  while (!/^vitest-perf-[a-z-]+-[A-Za-z0-9]{6}$/.test(path.basename(dir))) dir = path.dirname(dir)
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => lstatSync(path.join(dir, f)).isFile())
  return { dir, files }
}

function expectNoSecretsLeft(server: RunningServer): void {
  expect(processListing(server)).not.toContain(server.password)
  const { dir, files } = filesOf(server)
  expect(lstatSync(dir).mode & 0o777, 'the temp dir is private').toBe(0o700)
  // The password file, the init script and the config were read at startup and deleted then.
  expect(files.filter((f) => /^(pwfile|init\.sql|redis\.conf)$/.test(path.basename(f)))).toEqual([])
  for (const f of files.filter((f) => !f.startsWith('data/')))
    expect(readFileSync(path.join(dir, f), 'utf8'), f).not.toContain(server.password)
}

/** The first line a Redis server answers to `command` on a fresh connection. */
function redisReply(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`))
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${command}`)))
    socket.once('error', reject)
    socket.once('data', (data) => {
      resolve(data.toString('utf8').split('\r\n')[0])
      socket.end()
    })
  })
}

async function pgRefusal(config: pg.ClientConfig): Promise<string> {
  const c = new pg.Client({ connectionTimeoutMillis: 5000, ...config })
  try {
    await c.connect()
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message
  } finally {
    await c.end().catch(() => {})
  }
  return 'connected'
}

describe.each(['local', 'embedded'] as const)('postgres (%s)', (provider) => {
  it('refuses connections without the password or with a wrong one, and accepts the fixture URL', async () => {
    const { server, fixture } = await start(postgres, provider)
    const base = { host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' }
    // Asked for SCRAM, a client without a password cannot go on.
    expect(await pgRefusal(base)).toMatch(/SASL: .*password must be a string/)
    expect(await pgRefusal({ ...base, password: 'wrong' })).toBe('28P01')
    expect(fixture.url).toBe(`postgres://postgres:${server.password}@127.0.0.1:${server.port}/${fixture.database}`)
    const c = new pg.Client({ connectionString: fixture.url })
    await c.connect()
    try {
      expect((await c.query('select current_database() as db')).rows[0].db).toBe(fixture.database)
      // Every rule asks for the password: TCP and the Unix socket alike, no trust anywhere.
      const rules = (await c.query('select type, auth_method from pg_hba_file_rules')).rows
      expect(rules.length).toBeGreaterThan(0)
      expect(new Set(rules.map((r) => r.auth_method))).toEqual(new Set(['scram-sha-256']))
      const socketDir = (await c.query('show unix_socket_directories')).rows[0].unix_socket_directories as string
      expect(await pgRefusal({ ...base, host: socketDir, password: 'wrong' })).toBe('28P01')
      expect((await c.query('show listen_addresses')).rows[0].listen_addresses).toBe('127.0.0.1')
    } finally {
      await c.end()
    }
    expectNoSecretsLeft(server)
  }, 90_000)
})

describe('mysql (local mariadbd)', () => {
  it('refuses connections without the password or with a wrong one, has no other account, and accepts the fixture', async () => {
    const { server, fixture } = await start(mysqlDriver, 'local')
    const base = { host: '127.0.0.1', port: server.port, user: 'root', connectTimeout: 5000 }
    await expect(mysql.createConnection(base)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' })
    await expect(mysql.createConnection({ ...base, password: 'wrong' })).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' })
    expect(fixture.url).toBe(`mysql://root:${server.password}@127.0.0.1:${server.port}/${fixture.database}`)
    const c = await mysql.createConnection({ uri: fixture.url })
    try {
      const [[db]] = (await c.query('select database() as db')) as unknown as [{ db: string }[]]
      expect(db.db).toBe(fixture.database)
      const [accounts] = await c.query(
        "select user, host, json_value(priv, '$.authentication_string') <> '' as pw, json_extract(priv, '$.account_locked') as locked from mysql.global_priv order by user, host",
      )
      expect(accounts).toEqual([
        { user: 'mariadb.sys', host: 'localhost', pw: 0, locked: true },
        { user: 'root', host: '127.0.0.1', pw: 1, locked: null },
        { user: 'root', host: 'localhost', pw: 1, locked: null },
      ])
      const [[socket]] = (await c.query('select @@socket as path, @@bind_address as bind')) as unknown as [{ path: string; bind: string }[]]
      expect(socket.bind).toBe('127.0.0.1')
      expect(socket.path.startsWith(filesOf(server).dir)).toBe(true)
      await expect(mysql.createConnection({ socketPath: socket.path, user: 'root', connectTimeout: 5000 })).rejects.toMatchObject({
        code: 'ER_ACCESS_DENIED_ERROR',
      })
    } finally {
      await c.end()
    }
    expectNoSecretsLeft(server)
    // A restart reads the init script again, written for that start and deleted after it.
    await server.restart!()
    const again = await mysql.createConnection({ uri: fixture.url })
    await again.end()
    expectNoSecretsLeft(server)
  }, 120_000)
})

describe('redis (local)', () => {
  it('answers NOAUTH without the password, WRONGPASS with a wrong one, and serves the fixture URL', async () => {
    const { server, fixture } = await start(redis, 'local')
    // The server's own replies, whatever a client library does about them.
    expect(await redisReply(server.port, 'PING')).toMatch(/^-NOAUTH /)
    expect(await redisReply(server.port, 'AUTH wrong')).toMatch(/^-WRONGPASS /)
    expect(await redisReply(server.port, `AUTH ${server.password}`)).toBe('+OK')
    expect(fixture.url).toBe(`redis://:${server.password}@127.0.0.1:${server.port}/${fixture.db}`)
    const client = new Redis(fixture.url)
    expect(await client.ping()).toBe('PONG')
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1'])
    client.disconnect()
    expectNoSecretsLeft(server)
    // A restart writes the config for that start and deletes it again.
    await server.restart!()
    const again = new Redis(fixture.url)
    expect(await again.ping()).toBe('PONG')
    again.disconnect()
    expectNoSecretsLeft(server)
  }, 60_000)
})

describe('secret files', () => {
  it('are written 0600, never through a link planted at their path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vp-secret-'))
    try {
      const target = path.join(dir, 'elsewhere')
      writeFileSync(target, 'untouched')
      symlinkSync(target, path.join(dir, 'pwfile'))
      writeSecretFile({ path: path.join(dir, 'pwfile'), content: 'secret\n' })
      const stat = lstatSync(path.join(dir, 'pwfile'))
      expect(stat.isFile()).toBe(true)
      expect(stat.mode & 0o777).toBe(0o600)
      expect(readFileSync(target, 'utf8')).toBe('untouched')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
