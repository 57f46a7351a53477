import type { Redis } from 'ioredis'
import { mongoHandle, type MongoHandle } from './mongo-store.ts'
import { mysqlClient, postgresClient, type SqlClient } from './sql-client.ts'
import type { ConnectionSpec } from './connection-spec.ts'

/** The databases a workflow may use: its data goes to one of postgres, mysql, mongodb; redis caches and keeps intermediate state. */
export interface WorkflowTarget {
  postgres?: ConnectionSpec
  mysql?: ConnectionSpec
  mongodb?: ConnectionSpec
  redis?: ConnectionSpec
}

export const TARGET_SERVICES = ['postgres', 'mysql', 'mongodb', 'redis'] as const
export const STORES = ['postgres', 'mysql', 'mongodb'] as const
export type StoreName = (typeof STORES)[number]

export interface ConnectOptions {
  /** Connections per SQL pool and MongoDB client (default 20). Redis uses one pipelined connection. */
  poolSize?: number
}

export const DEFAULT_POOL_SIZE = 20

/**
 * One pool per database, shared by every workflow given it: `workflows.connect(target)` once,
 * then pass the result as `target` to several `generate()` calls. Clients connect on first use.
 */
export class WorkflowConnections implements AsyncDisposable {
  readonly postgres?: SqlClient
  readonly mysql?: SqlClient
  readonly mongodb?: MongoHandle
  readonly redis?: Redis
  private closed?: Promise<void>

  constructor(parts: { postgres?: SqlClient; mysql?: SqlClient; mongodb?: MongoHandle; redis?: Redis }) {
    this.postgres = parts.postgres
    this.mysql = parts.mysql
    this.mongodb = parts.mongodb
    this.redis = parts.redis
  }

  /** The stores this handle can write to, in the order generate() prefers them. */
  get stores(): StoreName[] {
    return STORES.filter((s) => this[s] !== undefined)
  }

  close(): Promise<void> {
    this.closed ??= Promise.all([
      this.postgres?.close(),
      this.mysql?.close(),
      this.mongodb?.client.close(),
      // disconnect(), not quit(): a lazy client that never connected would connect to quit.
      this.redis?.disconnect(),
    ]).then(() => undefined)
    return this.closed
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

async function redisClient(spec: ConnectionSpec): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis')
  const common = { lazyConnect: true, maxRetriesPerRequest: 2, ...(spec.keyPrefix ? { keyPrefix: spec.keyPrefix } : {}) }
  const redis = spec.host
    ? new RedisClient({
        ...common,
        host: spec.host,
        port: spec.port,
        db: spec.db ?? (Number(spec.database) || 0),
        password: spec.password || undefined,
        username: spec.user || undefined,
      })
    : new RedisClient(spec.url ?? '', common)
  // Errors reach the command that failed; an unhandled 'error' event would crash the worker.
  redis.on('error', () => {})
  return redis
}

/** Creates the pools of a validated target; nothing connects before the first statement. */
export async function openConnections(target: WorkflowTarget, poolSize = DEFAULT_POOL_SIZE): Promise<WorkflowConnections> {
  const [postgres, mysql, mongodb, redis] = await Promise.all([
    target.postgres ? postgresClient(target.postgres, poolSize) : undefined,
    target.mysql ? mysqlClient(target.mysql, poolSize) : undefined,
    target.mongodb ? mongoHandle(target.mongodb, poolSize) : undefined,
    target.redis ? redisClient(target.redis) : undefined,
  ])
  return new WorkflowConnections({ postgres, mysql, mongodb, redis })
}
