import { importOptional } from '../core/optional-package.ts'
import type { WatchedServer } from '../core/resource-sample.ts'

type Collector = () => Promise<Record<string, number>>

/** Opens one connection per watched server and returns a function that reads its statistics. */
export async function serverCollector(server: WatchedServer): Promise<{ collect: Collector; close: () => Promise<void> } | undefined> {
  if (!server.url) return undefined
  try {
    if (server.service === 'postgres') {
      const { default: pg } = await importOptional<typeof import('pg')>('pg', 'the resource monitor (postgres statistics)')
      const url = server.url
      return reconnecting(async () => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
        // A fault (killConnections, a restart) may end this session: never an uncaught error.
        c.on('error', () => {})
        await c.connect()
        return {
          query: async () => {
            const activity = await c.query(
              "select count(*)::int as connections, count(*) filter (where state = 'active')::int as active, count(*) filter (where wait_event_type = 'Lock')::int as waiting from pg_stat_activity where backend_type = 'client backend'",
            )
            const locks = await c.query('select count(*)::int as locks from pg_locks')
            return { ...activity.rows[0], ...locks.rows[0] }
          },
          end: () => c.end(),
        }
      })
    }
    if (server.service === 'redis') {
      const { Redis } = await import('ioredis')
      const c = new Redis(server.url, { maxRetriesPerRequest: 1, connectTimeout: 2000 })
      c.on('error', () => {})
      return {
        collect: async () => {
          const info = await c.info()
          const read = (key: string) => Number(new RegExp(`^${key}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN)
          return { clients: read('connected_clients'), used_memory: read('used_memory'), blocked_clients: read('blocked_clients') }
        },
        close: async () => c.disconnect(),
      }
    }
    if (server.service === 'mysql') {
      const mysql = await importOptional<typeof import('mysql2/promise')>('mysql2/promise', 'the resource monitor (mysql statistics)')
      const url = server.url
      return reconnecting(async () => {
        const c = await mysql.createConnection({ uri: url, connectTimeout: 2000 })
        c.on('error', () => {})
        return {
          query: async () => {
            const [rows] = await c.query("show global status where Variable_name in ('Threads_connected', 'Threads_running')")
            return Object.fromEntries(
              (rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]),
            )
          },
          end: () => c.end(),
        }
      })
    }
  } catch {
    // Statistics are a bonus: a server we cannot query is still watched by pid.
  }
  return undefined
}

interface Session {
  query: Collector
  end: () => Promise<unknown>
}

/**
 * A statistics session that survives faults: when a query fails (the session was killed, the
 * server restarted) it is dropped and the next sample connects again.
 */
async function reconnecting(open: () => Promise<Session>): Promise<{ collect: Collector; close: () => Promise<void> }> {
  let session: Session | undefined = await open()
  return {
    collect: async () => {
      session ??= await open()
      try {
        return await session.query()
      } catch (e) {
        void session?.end().catch(() => {})
        session = undefined
        throw e
      }
    },
    close: async () => {
      await session?.end().catch(() => {})
      session = undefined
    },
  }
}
