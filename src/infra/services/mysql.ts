import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Connection, ConnectionOptions } from 'mysql2/promise'
import { PerfInfraError } from '../../core/errors.ts'
import { importOptional } from '../../core/optional-package.ts'
import type { ServiceDriver } from '../driver.ts'
import { freePort } from '../free-port.ts'
import type { SpawnSpec } from '../local-process.ts'
import { startLocalServer } from '../local-server.ts'
import { removeMarker, writeMarker } from '../leftovers.ts'
import { randomPassword } from '../secrets.ts'
import { containerServer, localPorts } from '../providers/testcontainers.ts'
import { isRoot, makeTempDir } from '../temp-dir.ts'
import type { RunningServer, ServiceFixture, ServiceOptions } from '../types.ts'
import { fixtureOn, markerId, parseServerUrl, urlServer } from '../util.ts'
import { which } from '../which.ts'

const run = promisify(execFile)
const FAST_FLAGS = ['--innodb-flush-log-at-trx-commit=0', '--innodb-doublewrite=0', '--sync-binlog=0']

async function connect(options: ConnectionOptions): Promise<Connection> {
  const mysql = await importOptional<typeof import('mysql2/promise')>('mysql2/promise', 'the mysql fixture')
  return mysql.createConnection({ connectTimeout: 3000, ...options })
}

async function admin<T>(server: RunningServer, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await connect({ host: server.host, port: server.port, user: server.user, password: server.password })
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function serverVersion(options: ConnectionOptions): Promise<string> {
  const c = await connect(options)
  try {
    const [rows] = await c.query('select version() as v')
    return (rows as { v: string }[])[0].v
  } finally {
    await c.end()
  }
}

const quote = (name: string) => `\`${name.replaceAll('`', '``')}\``

export const mysql: ServiceDriver = {
  service: 'mysql',
  urlEnv: 'VITEST_PERF_MYSQL_URL',
  client: 'mysql2/promise',
  defaultImage: 'mysql:8.4',

  async fromUrl(url) {
    const s = parseServerUrl('mysql', url, {
      protocols: ['mysql:', 'mariadb:'],
      port: 3306,
      user: 'root',
      database: 'mysql',
      example: 'mysql://user:password@127.0.0.1:3306/database',
    })
    return urlServer('mysql', url, s, () => serverVersion(s))
  },

  async testcontainers(options) {
    const { MySqlContainer } = await importOptional<typeof import('@testcontainers/mysql')>(
      '@testcontainers/mysql',
      'the testcontainers provider of mysql',
    )
    const image = options.image ?? process.env.VITEST_PERF_MYSQL_IMAGE ?? this.defaultImage
    const tuning = options.tuning ?? 'fast'
    // Root is what the fixtures use; the module's other account gets a random password too.
    const container = new (localPorts(MySqlContainer))(image).withRootPassword(randomPassword()).withUserPassword(randomPassword())
    container.withCommand([
      ...(tuning === 'fast' ? FAST_FLAGS : []),
      ...Object.entries(options.settings ?? {}).map(([k, v]) => `--${k}=${v}`),
    ])
    return containerServer('mysql', container, tuning, async (started) => {
      const s = {
        host: started.getHost(),
        port: started.getPort(),
        user: 'root',
        password: started.getRootPassword(),
        database: started.getDatabase(),
      }
      return { ...s, version: await serverVersion(s) }
    })
  },

  async local(options) {
    const mariadbd = which('mariadbd', ['/usr/sbin'])
    const installDb = which('mariadb-install-db', ['/usr/bin'])
    if (!mariadbd || !installDb) {
      throw new PerfInfraError(
        'PERF_INFRA_BINARY_MISSING',
        'mariadbd / mariadb-install-db not found on PATH or in /usr/sbin; fix: apt-get install mariadb-server, or use another provider',
      )
    }
    const tuning = options.tuning ?? 'fast'
    const dir = makeTempDir('mariadb')
    const id = markerId()
    const data = `${dir.path}/data`
    writeMarker({ id, ownerPid: process.pid, service: 'mysql', provider: 'local', dataDir: dir.path, createdAt: new Date().toISOString() })
    const user = isRoot() ? ['--user=root'] : []
    try {
      await run(
        installDb,
        [
          '--no-defaults',
          `--datadir=${data}`,
          ...user,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
        ],
        { timeout: 60_000 },
      )
    } catch (e) {
      dir.remove()
      removeMarker(id)
      const out = `${(e as { stderr?: string }).stderr ?? ''}${(e as { stdout?: string }).stdout ?? ''}`
        .trim()
        .split('\n')
        .slice(-10)
        .map((l) => `    | ${l}`)
        .join('\n')
      throw new PerfInfraError('PERF_INFRA_START_FAILED', `mysql (local): mariadb-install-db failed:\n${out}`)
    }
    const port = options.port ?? (await freePort())
    const s = { host: '127.0.0.1', port, user: 'root', password: randomPassword(), database: 'mysql' }
    const spec: SpawnSpec = {
      name: 'mysql (local mariadbd)',
      command: mariadbd,
      args: [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${dir.path}/mysql.sock`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        ...user,
        '--skip-name-resolve',
        `--pid-file=${dir.path}/mariadbd.pid`,
        '--skip-log-bin',
        `--init-file=${dir.path}/init.sql`,
        ...(tuning === 'fast' ? FAST_FLAGS : []),
        ...Object.entries(options.settings ?? {}).map(([k, v]) => `--${k}=${v}`),
      ],
      ready: async () => (await serverVersion(s)) !== '',
      timeoutMs: 60_000,
      stopSignal: 'SIGTERM',
      // Runs before the server serves its first connection, on every start (restart too).
      secrets: [{ path: `${dir.path}/init.sql`, content: rootOnly(s.password) }],
    }
    const lifecycle = await startLocalServer('mysql', spec, dir, port, id)
    return { service: 'mysql', provider: 'local', ...s, version: await serverVersion(s), tuning, ...lifecycle }
  },

  async isolate(server, key) {
    const database = `vp_${key}`
    await admin(server, (c) => c.query(`create database ${quote(database)}`))
    return fixture(server, database)
  },

  async release(server, f) {
    await admin(server, (c) => c.query(`drop database if exists ${quote(f.database)}`))
    await admin(server, (c) => c.query(`drop database if exists ${quote(`${f.database}_snap`)}`))
  },
}

/**
 * mariadb-install-db leaves root without a password on localhost, 127.0.0.1, ::1 and the host
 * name. Only root@localhost (the socket in our private dir) and root@127.0.0.1 stay, both with
 * the password; no other account can log in (mariadb.sys is locked).
 */
function rootOnly(password: string): string {
  return [
    "DROP USER IF EXISTS root@'::1', ''@'localhost';",
    // One statement per line: how mariadbd reads an init file.
    "EXECUTE IMMEDIATE IF(@@hostname IN ('localhost', '127.0.0.1'), 'DO 0', CONCAT('DROP USER IF EXISTS root@''', @@hostname, ''', ''''@''', @@hostname, ''''));",
    `ALTER USER root@'localhost' IDENTIFIED BY '${password}';`,
    `ALTER USER root@'127.0.0.1' IDENTIFIED BY '${password}';`,
    '',
  ].join('\n')
}

function fixture(server: RunningServer, database: string): ServiceFixture {
  const { user, password, host, port } = server
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user)
  return fixtureOn(server, database, `mysql://${auth}@${host}:${port}/${database}`)
}

export type { ServiceOptions }
