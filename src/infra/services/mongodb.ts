import type { MongoClient } from 'mongodb'
import { PerfInfraError } from '../../core/errors.ts'
import { importOptional } from '../../core/optional-package.ts'
import type { ServiceDriver } from '../driver.ts'
import { freePort } from '../free-port.ts'
import { startLocalServer } from '../local-server.ts'
import { containerServer, localPorts } from '../providers/testcontainers.ts'
import { makeTempDir } from '../temp-dir.ts'
import type { RunningServer } from '../types.ts'
import { fixtureOn, parseServerUrl, urlServer, type UrlParts } from '../util.ts'
import { which } from '../which.ts'

async function withClient<T>(url: string, fn: (c: MongoClient) => Promise<T>): Promise<T> {
  const { MongoClient: Client } = await importOptional<typeof import('mongodb')>('mongodb', 'the mongodb fixture')
  const c = new Client(url, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000, directConnection: !url.startsWith('mongodb+srv:') })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.close()
  }
}

const serverVersion = (url: string) => withClient(url, async (c) => String((await c.db('admin').command({ buildInfo: 1 })).version))

/** Parses a MongoDB URL into its parts; the path names the admin database. */
export function parseMongoUrl(url: string): UrlParts {
  return parseServerUrl('mongodb', url, {
    protocols: ['mongodb:', 'mongodb+srv:'],
    port: 27017,
    user: '',
    database: 'admin',
    example: 'mongodb://[user:password@]127.0.0.1:27017/database',
  })
}

/** The URL of database `database` on the server of `base`, keeping credentials and options. */
export function mongoUrlFor(base: string, database: string): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  if (u.username && !u.searchParams.has('authSource')) u.searchParams.set('authSource', 'admin')
  return u.toString()
}

export const mongodb: ServiceDriver & { baseUrls: WeakMap<RunningServer, string> } = {
  service: 'mongodb',
  urlEnv: 'VITEST_PERF_MONGODB_URL',
  client: 'mongodb',
  defaultImage: 'mongo:7',
  baseUrls: new WeakMap(),

  async fromUrl(url) {
    const server = await urlServer('mongodb', url, parseMongoUrl(url), () => serverVersion(url))
    this.baseUrls.set(server, url)
    return server
  },

  async testcontainers(options) {
    const { MongoDBContainer } = await importOptional<typeof import('@testcontainers/mongodb')>(
      '@testcontainers/mongodb',
      'the testcontainers provider of mongodb',
    )
    const image = options.image ?? process.env.VITEST_PERF_MONGODB_IMAGE ?? this.defaultImage
    let base = ''
    const server = await containerServer('mongodb', new (localPorts(MongoDBContainer))(image), 'unknown', async (started) => {
      base = started.getConnectionString()
      return { ...parseMongoUrl(base), version: await serverVersion(base) }
    })
    this.baseUrls.set(server, base)
    return server
  },

  async local(options) {
    const binary = which('mongod')
    if (!binary)
      throw new PerfInfraError(
        'PERF_INFRA_BINARY_MISSING',
        'mongod not found on PATH; fix: install MongoDB Community Server (Debian has no package), set VITEST_PERF_MONGODB_URL, or use Docker',
      )
    const dir = makeTempDir('mongod')
    const port = options.port ?? (await freePort())
    const base = `mongodb://127.0.0.1:${port}/admin`
    const lifecycle = await startLocalServer(
      'mongodb',
      {
        name: 'mongodb (local)',
        command: binary,
        // mongod 6.1+ refuses --nojournal: durability cannot be turned off there; recorded as 'durable'.
        args: [
          '--dbpath',
          dir.path,
          '--port',
          String(port),
          '--bind_ip',
          '127.0.0.1',
          ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
        ],
        ready: async () => (await serverVersion(base)) !== '',
        timeoutMs: 30_000,
        stopSignal: 'SIGTERM',
      },
      dir,
      port,
    )
    const server: RunningServer = {
      service: 'mongodb',
      provider: 'local',
      host: '127.0.0.1',
      port,
      user: '',
      password: '',
      database: 'admin',
      version: await serverVersion(base),
      tuning: 'durable',
      ...lifecycle,
    }
    this.baseUrls.set(server, base)
    return server
  },

  async isolate(server, key) {
    const database = `vp_${key}`
    return fixtureOn(server, database, mongoUrlFor(this.baseUrls.get(server) ?? `mongodb://${server.host}:${server.port}/`, database))
  },

  async release(server, f) {
    await withClient(f.url, (c) => c.db(f.database).dropDatabase())
  },
}
