// Ready time per provider and service: from asking the provider chain for a server until it
// answers a query (and an isolated database is created), median of 3 starts. Then stopped.
//   npm run bench:infra
// Goals: local PostgreSQL < 1.5 s, Redis < 0.2 s, MariaDB < 2 s, Testcontainers PostgreSQL < 6 s
// (cached image). Testcontainers rows need DOCKER_HOST and VITEST_PERF_*_IMAGE (docker/README.md).
import { startService } from '../src/infra/chain.ts'
import type { ServiceDriver } from '../src/infra/driver.ts'
import { mysql } from '../src/infra/services/mysql.ts'
import { postgres } from '../src/infra/services/postgres.ts'
import { redis } from '../src/infra/services/redis.ts'
import type { ProviderName } from '../src/infra/types.ts'

const ROUNDS = 3
const goals: Record<string, number> = { 'postgres/local': 1500, 'redis/local': 200, 'mysql/local': 2000, 'postgres/testcontainers': 6000 }
const urls: Record<string, string> = {
  postgres: process.env.VITEST_PERF_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.VITEST_PERF_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
  redis: process.env.VITEST_PERF_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
}

async function readyMs(driver: ServiceDriver, provider: ProviderName): Promise<number> {
  const t0 = performance.now()
  const { server } = await startService(driver, { provider, url: provider === 'url' ? urls[driver.service] : undefined })
  const fixture = await driver.isolate(server, `bench${Math.random().toString(36).slice(2, 8)}`)
  const ms = performance.now() - t0
  await driver.release(server, fixture)
  await server.stop()
  return ms
}

const docker = Boolean(process.env.DOCKER_HOST)
const rows: [ServiceDriver, ProviderName][] = [
  [postgres, 'url'],
  [postgres, 'local'],
  [postgres, 'embedded'],
  [redis, 'url'],
  [redis, 'local'],
  [mysql, 'url'],
  [mysql, 'local'],
  ...(docker
    ? ([
        [postgres, 'testcontainers'],
        [redis, 'testcontainers'],
        [mysql, 'testcontainers'],
      ] as [ServiceDriver, ProviderName][])
    : []),
]
console.log(`node ${process.version}; testcontainers rows ${docker ? 'included' : 'skipped (no DOCKER_HOST)'}\n`)
console.log('service/provider            median     min     max   goal')
for (const [driver, provider] of rows) {
  const key = `${driver.service}/${provider}`
  const times: number[] = []
  try {
    for (let i = 0; i < ROUNDS; i++) times.push(await readyMs(driver, provider))
  } catch (e) {
    console.log(`${key.padEnd(26)} failed: ${(e as Error).message.split('\n').slice(0, 3).join(' | ')}`)
    continue
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  const goal = goals[key]
  const verdict = goal === undefined ? '' : `${String(goal).padStart(5)} ms ${median < goal ? 'OK' : 'MISS'}`
  console.log(
    `${key.padEnd(26)} ${median.toFixed(0).padStart(6)} ms ${times[0].toFixed(0).padStart(5)} ${times.at(-1)!.toFixed(0).padStart(7)}   ${verdict}`,
  )
}
