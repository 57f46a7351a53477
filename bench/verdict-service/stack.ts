// What bench:verdict:service runs against: its own PostgreSQL database and Redis key prefix (from
// the provider chain's url drivers), the service in a child process, and a noisy neighbour.
// Every piece registers its undoing in a Teardown, which runs once on every way out.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { Redis } from 'ioredis'
import pg from 'pg'
import { postgres } from '../../src/infra/services/postgres.ts'
import { redis } from '../../src/infra/services/redis.ts'
import type { RunningServer } from '../../src/infra/types.ts'
import { fixtureOn } from '../../src/infra/util.ts'
import { which } from '../../src/infra/which.ts'
import { treeCpuSeconds } from '../../src/monitor/process-tree.ts'
import type { ServiceStores } from './service.ts'

export const ITEMS = 5000
export const CATEGORIES = 25
/** Search terms the load cycles through: '0' … '99' match 2–42 % of the names (4 % at the median). */
export const TERMS = 100

/** Undo steps, run last-in first-out, once; a failing step is reported and the others still run. */
export class Teardown {
  private steps: { name: string; fn: () => unknown }[] = []
  private done?: Promise<void>

  add(name: string, fn: () => unknown): void {
    this.steps.push({ name, fn })
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.fn()
        } catch (e) {
          console.error(`cleanup: ${step.name} failed: ${(e as Error).message}`)
        }
      }
    })()
    return this.done
  }
}

/** Where the service keeps its data: a PostgreSQL database, a Redis server and a key prefix on it. */
export type Stores = ServiceStores

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** What an earlier run killed with SIGKILL left: databases and key prefixes of pids now gone. */
async function dropLeftovers(pgServer: RunningServer, redisServer: RunningServer): Promise<void> {
  const { host, port, user, password, database } = pgServer
  const c = new pg.Client({ host, port, user, password, database })
  await c.connect()
  try {
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database where datname like 'vp\\_verdictsvc\\_%'")
    for (const { datname } of rows) {
      const pid = Number(datname.split('_').at(-1))
      if (!alive(pid)) await postgres.release(pgServer, fixtureOn(pgServer, datname, ''))
    }
  } finally {
    await c.end()
  }
  const db = Number(redisServer.database)
  const r = new Redis({ host: redisServer.host, port: redisServer.port, password: redisServer.password || undefined, db })
  try {
    const prefixes = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', 'vp:verdictsvc_*', 'COUNT', 1000)
      for (const k of keys) prefixes.add(k.slice(0, k.indexOf(':', 3) + 1))
      cursor = next
    } while (cursor !== '0')
    for (const prefix of prefixes) {
      if (!alive(Number(prefix.slice('vp:verdictsvc_'.length, -1))))
        await redis.release(redisServer, fixtureOn(redisServer, String(db), '', { db, keyPrefix: prefix }))
    }
  } finally {
    r.disconnect()
  }
}

/** A database and a Redis key prefix of this process's own, seeded, dropped and deleted on teardown. */
export async function openStores(teardown: Teardown): Promise<Stores> {
  const key = `verdictsvc_${process.pid}`
  const pgServer = await postgres.fromUrl(process.env.VITEST_PERF_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  const database = await postgres.isolate(pgServer, key)
  teardown.add(`drop database ${database.database}`, () => postgres.release(pgServer, database))
  const redisServer = await redis.fromUrl(process.env.VITEST_PERF_REDIS_URL ?? 'redis://127.0.0.1:6379/0')
  await dropLeftovers(pgServer, redisServer)
  const cache = await redis.isolate(redisServer, key)
  teardown.add(`delete Redis keys ${cache.keyPrefix}*`, () => redis.release(redisServer, cache))
  const stores = { pgUrl: database.url, redisUrl: cache.url, redisPrefix: cache.keyPrefix! }
  await seedCatalogue(stores)
  return stores
}

/** The items table of ITEMS rows and the cached catalogue settings, on empty stores. */
export async function seedCatalogue(stores: Stores): Promise<void> {
  const c = new pg.Client({ connectionString: stores.pgUrl })
  await c.connect()
  try {
    await c.query(`create table items (
      id serial primary key, category int not null, name text not null, price numeric(10, 2) not null, stock int not null)`)
    await c.query(
      `insert into items (category, name, price, stock)
       select 1 + i % $2, 'item ' || i, round((10 + (i * 7919) % 990)::numeric, 2), (i * 31) % 40
       from generate_series(1, $1) as i`,
      [ITEMS, CATEGORIES],
    )
    await c.query('analyze items')
  } finally {
    await c.end()
  }
  const r = new Redis(stores.redisUrl, { keyPrefix: stores.redisPrefix })
  try {
    await r.set('settings', JSON.stringify({ currency: 'EUR', pageSize: 50, categories: CATEGORIES }))
  } finally {
    r.disconnect()
  }
}

export interface App {
  url: string
  pid: number
  /** SHA-256 rounds per ms of the service's CPU (the work knob's unit). */
  roundsPerMs: number
  /** Hashed integers summed by PostgreSQL per ms of query time at start (the queryWork knob's unit). */
  rowsPerMs: number
}

/** The service in its own process; resolves once it listens on 127.0.0.1. */
export async function startApp(stores: Stores, teardown: Teardown): Promise<App> {
  const child = spawn(process.execPath, [new URL('./app.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, APP_PG_URL: stores.pgUrl, APP_REDIS_URL: stores.redisUrl, APP_REDIS_PREFIX: stores.redisPrefix },
  })
  teardown.add(`stop the service (pid ${child.pid})`, () => stopChild(child))
  type Ready = Omit<App, 'url' | 'pid'> & { port: number }
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not listen within 20 s')), 20_000)
    child.once('message', (m: Ready) => {
      clearTimeout(timer)
      resolve(m)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the service exited with code ${code} before listening`))
    })
  })
  return { url: `http://127.0.0.1:${ready.port}`, pid: child.pid!, roundsPerMs: ready.roundsPerMs, rowsPerMs: ready.rowsPerMs }
}

export interface Neighbour {
  /** The core it is pinned to, when taskset exists. */
  core?: number
  on(): void
  off(): void
  /** Milliseconds it has been running so far, all stretches together. */
  onMs(): number
  /** CPU ms the busy loop has used so far, read from /proc (undefined when it cannot be read): proof that it ran. */
  cpuMs(): number | undefined
  /**
   * On and off in stretches of 1–5 s drawn at random, from a random state, until stop() (which
   * leaves it off): a neighbour whose busy spells know nothing of whose turn it is.
   */
  bursts(random: () => number): { stop(): void }
  /** How it ended, when it has: its exit code or signal and when. */
  gone(): string | undefined
}

/** A busy loop on one core, stopped (SIGSTOP) until on(); it exits by itself if we die. */
export function startNeighbour(teardown: Teardown): Neighbour {
  const loop = 'const parent = process.ppid; for (let i = 1; ; i++) if ((i & 0xfffffff) === 0 && process.ppid !== parent) process.exit()'
  const taskset = which('taskset')
  const core = taskset ? os.availableParallelism() - 1 : undefined
  const child = taskset
    ? spawn(taskset, ['-c', String(core), process.execPath, '-e', loop], { stdio: 'ignore' })
    : spawn(process.execPath, ['-e', loop], { stdio: 'ignore' })
  teardown.add(`stop the neighbour (pid ${child.pid})`, () => stopChild(child))
  // Two full runs of the bench had a neighbour that never ran (cause not found): say when it ends.
  let gone: string | undefined
  child.once('exit', (code, signal) => {
    gone = `exited with ${signal ?? `code ${code}`} ${(performance.now() / 1000).toFixed(1)} s after the bench started`
  })
  child.kill('SIGSTOP')
  let since: number | undefined
  let total = 0
  const on = () => {
    if (since !== undefined) return
    since = performance.now()
    child.kill('SIGCONT')
  }
  const off = () => {
    if (since === undefined) return
    child.kill('SIGSTOP')
    total += performance.now() - since
    since = undefined
  }
  return {
    ...(core !== undefined ? { core } : {}),
    on,
    off,
    onMs: () => total + (since === undefined ? 0 : performance.now() - since),
    gone: () => gone,
    cpuMs() {
      const seconds = child.pid === undefined ? undefined : treeCpuSeconds(child.pid)
      return seconds === undefined ? undefined : seconds * 1000
    },
    bursts(random) {
      let timer: NodeJS.Timeout | undefined
      const flip = (busy: boolean) => {
        if (busy) on()
        else off()
        timer = setTimeout(() => flip(!busy), 1000 + 4000 * random())
      }
      flip(random() < 0.5)
      return {
        stop() {
          clearTimeout(timer)
          off()
        },
      }
    },
  }
}

/** SIGKILL works on a stopped process too; waits until it is gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await gone
}

/**
 * The database servers' pids, to watch beside the app: their CPU per request is judged, and what
 * they use is not counted as other processes' load (`otherCores`), which an unwatched database
 * under a saturating load would fill. PostgreSQL's postmaster is a backend's parent; Redis says
 * its own. Undefined where a pid cannot be read (off Linux, a server in a container).
 */
export async function storePids(stores: Stores): Promise<{ postgres?: number; redis?: number }> {
  const out: { postgres?: number; redis?: number } = {}
  if (process.platform !== 'linux') return out
  const c = new pg.Client({ connectionString: stores.pgUrl })
  await c.connect()
  try {
    const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid')
    const stat = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid > 1) out.postgres = ppid
  } catch {
    // not on this machine's /proc: left unwatched
  } finally {
    await c.end()
  }
  const r = new Redis(stores.redisUrl)
  try {
    const pid = Number(/process_id:(\d+)/.exec(await r.info('server'))?.[1])
    if (pid > 0) out.redis = pid
  } finally {
    r.disconnect()
  }
  return out
}
