// Starts each vitest-perf image through the unmodified Testcontainers modules, runs a real query
// through the connection details they give, prints ready times and stops the containers.
//   eval "$(docker/dockerd.sh env)" && node_modules/.bin/node docker/images/verify.mjs
import { PostgreSqlContainer } from '@testcontainers/postgresql'
import { MySqlContainer } from '@testcontainers/mysql'
import { RedisContainer } from '@testcontainers/redis'
import { Wait } from 'testcontainers'
import pg from 'pg'
import mysql from 'mysql2/promise'
import IORedis from 'ioredis'

const Redis = IORedis.Redis ?? IORedis
const images = {
  postgres: process.env.VITEST_PERF_POSTGRES_IMAGE ?? 'vitest-perf/postgres:15',
  mariadb: process.env.VITEST_PERF_MARIADB_IMAGE ?? 'vitest-perf/mariadb:10.11',
  redis: process.env.VITEST_PERF_REDIS_IMAGE ?? 'vitest-perf/redis:7',
}

function assert(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`)
}

async function postgres(container) {
  const client = new pg.Client({ connectionString: container.getConnectionUri() })
  await client.connect()
  try {
    const { rows } = await client.query('select current_user as u, current_database() as d, version() as v')
    assert(rows[0].u === 'test' && rows[0].d === 'test', `connected as ${rows[0].u} to ${rows[0].d}`)
    await client.query('create table orders (id serial primary key, total numeric)')
    await client.query('insert into orders (total) values ($1), ($2)', [10, 32])
    const sum = await client.query('select sum(total)::int as s from orders')
    assert(sum.rows[0].s === 42, `sum is ${sum.rows[0].s}`)
    // snapshot() and restoreSnapshot() exec psql inside the container.
    await client.end()
    await container.snapshot()
    await container.restoreSnapshot()
    const again = new pg.Client({ connectionString: container.getConnectionUri() })
    await again.connect()
    const count = await again.query('select count(*)::int as n from orders')
    await again.end()
    assert(count.rows[0].n === 2, `restored snapshot holds ${count.rows[0].n} rows`)
    return rows[0].v.split(' on ')[0]
  } finally {
    await client.end().catch(() => {})
  }
}

async function mariadb(container) {
  const conn = await mysql.createConnection(container.getConnectionUri())
  try {
    const [rows] = await conn.query('select current_user() as u, database() as d, version() as v')
    assert(rows[0].u === 'test@%' && rows[0].d === 'test', `connected as ${rows[0].u} to ${rows[0].d}`)
    await conn.query('create table orders (id int auto_increment primary key, total int)')
    await conn.query('insert into orders (total) values (?), (?)', [10, 32])
    const [sum] = await conn.query('select cast(sum(total) as signed) as s from orders')
    assert(Number(sum[0].s) === 42, `sum is ${sum[0].s}`)
    const root = await mysql.createConnection(container.getConnectionUri(true))
    await root.query('select 1')
    await root.end()
    // executeQuery() execs the mysql client inside the container.
    const out = await container.executeQuery('select count(*) as n from test.orders')
    assert(/\b2\b/.test(out), `mysql client printed ${JSON.stringify(out)}`)
    return `MariaDB ${rows[0].v}`
  } finally {
    await conn.end().catch(() => {})
  }
}

async function redis(container, password) {
  const client = new Redis(container.getConnectionUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  try {
    await client.set('vitest-perf:k', 'v')
    assert((await client.get('vitest-perf:k')) === 'v', 'read back the value')
    const info = await client.info('server')
    if (password) {
      const anonymous = new Redis({ host: container.getHost(), port: container.getPort(), lazyConnect: true, maxRetriesPerRequest: 0 })
      anonymous.on('error', () => {})
      const refused = await anonymous.connect().then(() => anonymous.get('vitest-perf:k')).then(() => false, () => true)
      anonymous.disconnect()
      assert(refused, 'a client without the password was refused')
    } else {
      // executeCliCmd() execs redis-cli inside the container.
      assert((await container.executeCliCmd('PING')).includes('PONG'), 'redis-cli PING')
    }
    return `Redis ${/redis_version:(\S+)/.exec(info)[1]}${password ? ' (requirepass)' : ''}`
  } finally {
    client.disconnect()
  }
}

const cases = [
  ['postgres', () => new PostgreSqlContainer(images.postgres), postgres],
  // As with the official image, the ready line comes twice: temporary init server, then the real one.
  ['postgres+log-wait', () => new PostgreSqlContainer(images.postgres)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2)), postgres],
  ['mariadb', () => new MySqlContainer(images.mariadb), mariadb],
  ['redis', () => new RedisContainer(images.redis), (c) => redis(c, '')],
  ['redis+password', () => new RedisContainer(images.redis).withPassword('s3cret'), (c) => redis(c, 's3cret')],
]

if (!process.env.DOCKER_HOST) console.warn('DOCKER_HOST is not set: run eval "$(docker/dockerd.sh env)" first')
let failed = 0
for (const [name, make, check] of cases) {
  const t0 = performance.now()
  let container
  try {
    container = await make().start()
    const ready = performance.now() - t0
    const t1 = performance.now()
    const what = await check(container)
    console.log(`ok   ${name.padEnd(18)} ready in ${(ready / 1000).toFixed(2)} s, queries ${((performance.now() - t1) / 1000).toFixed(2)} s  ${what}  (${container.getHost()}:${container.getFirstMappedPort()})`)
  } catch (error) {
    failed++
    console.error(`FAIL ${name.padEnd(18)} after ${((performance.now() - t0) / 1000).toFixed(2)} s: ${error?.stack ?? error}`)
    if (/registry|dial tcp|pull/i.test(String(error))) console.error('     the image is missing locally and no registry answers: run docker/images/build.sh')
  } finally {
    if (container) {
      const t2 = performance.now()
      await container.stop().catch((error) => { failed++; console.error(`FAIL ${name}: stop: ${error}`) })
      console.log(`     ${name.padEnd(18)} stopped in ${((performance.now() - t2) / 1000).toFixed(2)} s`)
    }
  }
}
process.exitCode = failed ? 1 : 0
console.log(failed ? `${failed} failure(s)` : 'all images work with the unmodified Testcontainers modules')
