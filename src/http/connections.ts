import { Client } from 'undici'
import type { DispatchOptions } from './compile.ts'
import { WireConnection, type WireOptions } from './wire.ts'

/** What the pool needs of a connection: an undici Client, or our own (transport: 'wire'). */
export interface Connection {
  dispatch(opts: DispatchOptions, handler: PooledRequest): boolean
  close(): Promise<void>
  destroy(): Promise<void>
}

/** What the pool needs from a request: the handler undici calls, and a link for the wait queue. */
export interface PooledRequest {
  opts: DispatchOptions
  conn: Connection | undefined
  next: PooledRequest | undefined
  /** Aborted (and already failed) while it waited for a connection. */
  readonly cancelled: boolean
  fail(err: Error): void
}

export interface ConnectionOptions {
  /** Undefined: open a connection whenever every open one is busy. */
  connections: number | undefined
  pipelining: number
  client: Client.Options
  /** Set: connections are WireConnections with these options instead of undici Clients. */
  wire?: WireOptions
}

/**
 * Undici Clients behind a token stack: one token per free pipelining slot. Taking and returning
 * a token is O(1), where undici's Pool scans its clients and wraps each dispatch; on loopback
 * that saved ~1.3 µs of CPU per request (about 9 %). Requests that find no slot wait in FIFO
 * order in an intrusive list, so queueing allocates nothing.
 */
export class ConnectionPool {
  private readonly origin: string
  private readonly options: ConnectionOptions
  private readonly clients: Connection[] = []
  private readonly free: Connection[] = []
  private head: PooledRequest | undefined
  private tail: PooledRequest | undefined
  private draining = false
  private closed = false

  constructor(origin: string, options: ConnectionOptions) {
    this.origin = origin
    this.options = options
  }

  dispatch(req: PooledRequest): void {
    if (this.closed) return req.fail(Object.assign(new Error('the client is closed'), { code: 'UND_ERR_CLOSED' }))
    const conn = this.free.pop() ?? this.grow()
    if (conn === undefined) {
      if (this.tail === undefined) this.head = req
      else this.tail.next = req
      this.tail = req
      return
    }
    req.conn = conn
    conn.dispatch(req.opts, req)
  }

  /** Gives the request's slot back; called once the request ended either way. */
  release(req: PooledRequest): void {
    const conn = req.conn
    if (conn === undefined) return
    req.conn = undefined
    this.free.push(conn)
    // Not re-entrantly: this runs inside undici's response callbacks.
    if (this.head !== undefined && !this.draining) {
      this.draining = true
      queueMicrotask(() => this.drain())
    }
  }

  private drain(): void {
    this.draining = false
    while (this.head !== undefined && this.free.length > 0) {
      const req = this.head
      this.head = req.next
      if (this.head === undefined) this.tail = undefined
      req.next = undefined
      // An aborted request already failed when it was aborted.
      if (!req.cancelled) this.dispatch(req)
    }
  }

  private grow(): Connection | undefined {
    const { connections, pipelining, client, wire } = this.options
    if (connections !== undefined && this.clients.length >= connections) return undefined
    // Both call the request's handler methods (Exchange implements undici's DispatchHandler).
    const conn: Connection =
      wire === undefined
        ? (new Client(this.origin, { ...client, pipelining }) as unknown as Connection)
        : (new WireConnection(this.origin, wire) as unknown as Connection)
    this.clients.push(conn)
    for (let i = 1; i < pipelining; i++) this.free.push(conn)
    return conn
  }

  /** Waits for requests in flight and closes every connection. */
  async close(): Promise<void> {
    this.closed = true
    this.failQueued('the client was closed while the request waited for a connection')
    await Promise.all(this.clients.map((c) => c.close()))
  }

  /** Aborts requests in flight and closes every connection at once. */
  async destroy(): Promise<void> {
    this.closed = true
    this.failQueued('the client was destroyed while the request waited for a connection')
    await Promise.all(this.clients.map((c) => c.destroy()))
  }

  private failQueued(message: string): void {
    for (let req = this.head; req !== undefined; req = req.next) {
      req.fail(Object.assign(new Error(message), { code: 'UND_ERR_CLOSED' }))
    }
    this.head = this.tail = undefined
  }
}
