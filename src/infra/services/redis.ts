import type { Redis, RedisOptions } from 'ioredis'
import { PerfInfraError } from '../../core/errors.ts'
import { importOptional } from '../../core/optional-package.ts'
import type { ServiceDriver } from '../driver.ts'
import { freePort } from '../free-port.ts'
import type { SpawnSpec } from '../local-process.ts'
import { startLocalServer } from '../local-server.ts'
import { containerServer, localPorts } from '../providers/testcontainers.ts'
import { randomPassword } from '../secrets.ts'
import { makeTempDir } from '../temp-dir.ts'
import type { RunningServer } from '../types.ts'
import { fixtureOn, parseServerUrl, urlServer } from '../util.ts'
import { which } from '../which.ts'

/** Where the container's redis-server reads its password from (readable by the image's redis user). */
const CONTAINER_CONFIG = '/etc/vitest-perf-redis.conf'

// Db 0 stays free; files of one run get 1…15 on servers we started ourselves.
const DB_INDEXES = 15
const usedIndexes = new WeakMap<RunningServer, Set<number>>()

async function connect(options: RedisOptions): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis')
  const client = new RedisClient({
    connectTimeout: 3000,
    commandTimeout: 3000,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: () => null,
    ...options,
  })
  // Failures surface through the awaited calls; the event would only print noise.
  client.on('error', () => {})
  await client.connect()
  return client
}

async function withClient<T>(options: RedisOptions, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = await connect(options)
  try {
    return await fn(c)
  } finally {
    c.disconnect()
  }
}

async function serverVersion(options: RedisOptions): Promise<string> {
  return withClient(options, async (c) => /redis_version:(\S+)/.exec(await c.info('server'))?.[1] ?? 'unknown')
}

export const redis: ServiceDriver = {
  service: 'redis',
  urlEnv: 'VITEST_PERF_REDIS_URL',
  client: 'ioredis',
  defaultImage: 'redis:7',

  async fromUrl(url) {
    const s = parseServerUrl('redis', url, {
      protocols: ['redis:'],
      port: 6379,
      user: '',
      database: '0',
      example: 'redis://[:password@]127.0.0.1:6379[/db]',
    })
    return urlServer('redis', url, s, () =>
      serverVersion({ host: s.host, port: s.port, password: s.password || undefined, db: Number(s.database) }),
    )
  },

  async testcontainers(options) {
    const { RedisContainer } = await importOptional<typeof import('@testcontainers/redis')>(
      '@testcontainers/redis',
      'the testcontainers provider of redis',
    )
    const image = options.image ?? process.env.VITEST_PERF_REDIS_IMAGE ?? this.defaultImage
    // The password in a config file (the module's withPassword() puts it on the command line).
    const password = randomPassword()
    const container = new (localPorts(RedisContainer))(image)
      .withCopyContentToContainer([{ content: `requirepass ${password}\n`, target: CONTAINER_CONFIG, mode: 0o644 }])
      .withCommand(['redis-server', CONTAINER_CONFIG])
    // The image's own persistence settings apply: its tuning is unknown to us.
    return containerServer('redis', container, 'unknown', async (started) => {
      const s = { host: started.getHost(), port: started.getPort(), user: '', password, database: '0' }
      return { ...s, version: await serverVersion({ host: s.host, port: s.port, password }) }
    })
  },

  async local(options) {
    const binary = which('redis-server')
    if (!binary)
      throw new PerfInfraError(
        'PERF_INFRA_BINARY_MISSING',
        'redis-server not found on PATH; fix: apt-get install redis-server (or brew install redis), or use another provider',
      )
    const tuning = options.tuning ?? 'fast'
    const dir = makeTempDir('redis')
    const port = options.port ?? (await freePort())
    const persistence = tuning === 'fast' ? ['--save', '', '--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec']
    const password = randomPassword()
    // The password in a config file, not in the arguments (redis-server --requirepass shows in ps).
    const config = { path: `${dir.path}/redis.conf`, content: `requirepass ${password}\n` }
    const client = { host: '127.0.0.1', port, password }
    const spec: SpawnSpec = {
      name: 'redis (local)',
      command: binary,
      args: [
        config.path,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir.path,
        '--databases',
        '16',
        ...persistence,
        ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
      ],
      ready: async () => (await serverVersion(client)) !== '',
      timeoutMs: 15_000,
      stopSignal: 'SIGTERM',
      secrets: [config],
    }
    const lifecycle = await startLocalServer('redis', spec, dir, port)
    return {
      service: 'redis',
      provider: 'local',
      host: '127.0.0.1',
      port,
      user: '',
      password,
      database: '0',
      version: await serverVersion(client),
      tuning,
      ...lifecycle,
    }
  },

  async isolate(server, key) {
    const keyPrefix = `vp:${key}:`
    // On a server we do not own, other data may live in any db: isolate by key prefix only.
    let db = Number(server.database)
    if (server.provider !== 'url') {
      const used = usedIndexes.get(server) ?? new Set<number>()
      usedIndexes.set(server, used)
      for (let i = 1; i <= DB_INDEXES; i++) {
        if (!used.has(i)) {
          db = i
          used.add(i)
          break
        }
      }
    }
    const { host, port, user, password } = server
    const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}@` : ''
    return fixtureOn(server, String(db), `redis://${auth}${host}:${port}/${db}`, { db, keyPrefix })
  },

  async release(server, f) {
    await withClient({ host: f.host, port: f.port, password: f.password || undefined, db: f.db }, async (c) => {
      if (server.provider === 'url' || f.db === Number(server.database)) {
        let cursor = '0'
        do {
          const [next, keys] = await c.scan(cursor, 'MATCH', `${f.keyPrefix}*`, 'COUNT', 1000)
          if (keys.length) await c.del(...keys)
          cursor = next
        } while (cursor !== '0')
      } else {
        await c.flushdb()
        usedIndexes.get(server)?.delete(f.db!)
      }
    })
  },
}
