// The catalogue service itself, startable in any process: app.ts runs it as a child process
// (bench:verdict:service, bench:placement's child placement, the guide's recipe test), and
// bench:placement also runs it inside its own process. GET /items?q=text searches the catalogue
// in PostgreSQL (a seq scan with ilike over a few thousand rows, the 50 dearest first) and reads
// the catalogue settings from a Redis cache. Knobs add a known cost per request; work and
// queryWork are fixed work, not time (a busy neighbour makes the same work take longer, as it
// would a real slower code path), which bench:verdict:service calibrates to +20 %:
//   work=n       n rounds of SHA-256 on the service's event loop (its CPU per request grows)
//   queryWork=n  one more query that sums n hashed integers inside PostgreSQL
//   sleepMs=x    one extra query, select pg_sleep(x / 1000)
//   cpuMs=x      x ms of CPU work on the service's event loop
//   leakKb=x     x KiB kept for ever (a leak the monitor should see)
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'

export interface ServiceStores {
  pgUrl: string
  redisUrl: string
  redisPrefix: string
}

export interface RunningService {
  port: number
  /** Closes the connections, the listener, the Redis client and the PostgreSQL pool. */
  close(): Promise<void>
}

const SEARCH = `select id, category, name, price, stock from items
  where name ilike '%' || $1 || '%' and stock > 0
  order by price desc, id
  limit 50`

// Hashing, not an idle spin: work a real handler might do (serialising, signing).
function burnCpu(ms: number): void {
  const until = performance.now() + ms
  let digest = Buffer.alloc(32)
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest()
}

export function hashRounds(n: number): void {
  let digest = Buffer.alloc(32)
  for (let i = 0; i < n; i++) digest = createHash('sha256').update(digest).digest()
}

/** Listens on 127.0.0.1 (a free port unless given one); resolves once it listens. */
export async function startService(stores: ServiceStores, port = 0): Promise<RunningService> {
  const db = new pg.Pool({ connectionString: stores.pgUrl, max: 4 })
  const cache = new Redis(stores.redisUrl, { keyPrefix: stores.redisPrefix, maxRetriesPerRequest: 1 })
  db.on('error', () => {})
  cache.on('error', () => {})
  const kept: Buffer[] = []

  async function items(url: URL): Promise<unknown> {
    const q = url.searchParams.get('q') ?? ''
    const sleepMs = Number(url.searchParams.get('sleepMs') ?? 0)
    const cpuMs = Number(url.searchParams.get('cpuMs') ?? 0)
    const leakKb = Number(url.searchParams.get('leakKb') ?? 0)
    const work = Number(url.searchParams.get('work') ?? 0)
    const queryWork = Number(url.searchParams.get('queryWork') ?? 0)
    const settings = await cache.get('settings')
    if (settings === null) throw new Error('the catalogue settings are not in the cache')
    const { rows } = await db.query(SEARCH, [q])
    if (queryWork > 0) await db.query('select sum(hashint4(i)) from generate_series(1, $1::int) as i', [queryWork])
    if (sleepMs > 0) await db.query('select pg_sleep($1)', [sleepMs / 1000])
    if (work > 0) hashRounds(work)
    if (cpuMs > 0) burnCpu(cpuMs)
    // Filled, so the pages are touched and show in the RSS.
    if (leakKb > 0) kept.push(Buffer.alloc(leakKb * 1024, 1))
    return { settings: JSON.parse(settings), items: rows }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    try {
      if (url.pathname !== '/items') {
        res.writeHead(404).end()
        return
      }
      const body = JSON.stringify(await items(url))
      res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end((e as Error).message)
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      cache.disconnect()
      await db.end().catch(() => {})
    },
  }
}
