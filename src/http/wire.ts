import { connect, type Socket } from 'node:net'
import type { DispatchOptions } from './compile.ts'
import { guardedLookup } from './hosts.ts'

/**
 * The `transport: 'wire'` connection: HTTP/1.1 over one plain TCP socket, written and parsed here
 * instead of by undici. It does only what a load client needs (keep-alive, pipelining in order,
 * Content-Length, chunked and read-to-close bodies, the three timeouts) and calls the same
 * handler methods undici does, so an Exchange cannot tell the two apart. See docs/http.md.
 */

/** The undici handler methods an Exchange implements; the controller only needs abort(). */
export interface WireHandler {
  /** True when onResponseData keeps the chunks it gets (they are copied out of the shared read buffer). */
  readonly keepsData?: boolean
  onRequestStart?(controller: WireController, context: object): void
  onResponseStart?(controller: WireController, status: number, headers: Record<string, string | string[]>): void
  onResponseData?(controller: WireController, chunk: Buffer): void
  onResponseEnd?(controller: WireController, trailers: Record<string, string | string[]>): void
  onResponseError?(controller: WireController | null, err: Error): void
}

export interface WireController {
  abort(reason: Error): void
}

export interface WireOptions {
  connectTimeout: number
  headersTimeout: number
  bodyTimeout: number
  /** Idle connections are closed after this (ms). */
  keepAliveTimeout: number
  /** Resolve the host through guardedLookup (a `localhost` origin): it must stay loopback. */
  guardLookup: boolean
}

const HEAD_END = Buffer.from('\r\n\r\n')
const MAX_HEAD = 64 * 1024
const NO_CONTEXT = Object.freeze({})
const NO_TRAILERS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** One request written to the socket, waiting for (or reading) its response. */
class Pending implements WireController {
  readonly handler: WireHandler
  readonly head: boolean
  readonly headersTimeout: number
  readonly bodyTimeout: number
  next: Pending | undefined = undefined
  done = false
  private readonly conn: WireConnection

  constructor(conn: WireConnection, handler: WireHandler, opts: DispatchOptions, defaults: WireOptions) {
    this.conn = conn
    this.handler = handler
    this.head = opts.method === 'HEAD'
    this.headersTimeout = opts.headersTimeout ?? defaults.headersTimeout
    this.bodyTimeout = opts.bodyTimeout ?? defaults.bodyTimeout
  }

  abort(reason: Error): void {
    // As undici does: a request aborted on the wire takes its connection down.
    if (!this.done) this.conn.fail(reason, this)
  }
}

function codeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** Request bytes of a frozen (fixed) DispatchOptions, serialized once per connection host. */
const serialized = new WeakMap<DispatchOptions, { host: string; bytes: Buffer }>()

/** Header names and values may not carry CR, LF or NUL (request smuggling); names are tokens. */
const BAD_VALUE = /[\r\n\0]/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function serializeRequest(opts: DispatchOptions, host: string): Buffer {
  const frozen = Object.isFrozen(opts)
  const cached = frozen ? serialized.get(opts) : undefined
  if (cached !== undefined && cached.host === host) return cached.bytes
  if (!TOKEN.test(opts.method)) throw codeError('UND_ERR_INVALID_ARG', `invalid method ${JSON.stringify(opts.method)}`)
  if (!opts.path.startsWith('/') || /[\s\0]/.test(opts.path))
    throw codeError('UND_ERR_INVALID_ARG', `invalid path ${JSON.stringify(opts.path)}`)
  let head = `${opts.method} ${opts.path} HTTP/1.1\r\nhost: ${host}\r\n`
  let hasLength = false
  const h = opts.headers
  if (h !== undefined) {
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i]
      const value = String(h[i + 1])
      if (!TOKEN.test(name)) throw codeError('UND_ERR_INVALID_ARG', `invalid header name ${JSON.stringify(name)}`)
      if (BAD_VALUE.test(value)) throw codeError('UND_ERR_INVALID_ARG', `invalid value of header ${name}`)
      const lower = name.toLowerCase()
      if (lower === 'host' || lower === 'connection' || lower === 'transfer-encoding') {
        throw codeError('UND_ERR_NOT_SUPPORTED', `the ${lower} header is set by the client`)
      }
      if (lower === 'content-length') hasLength = true
      head += `${name}: ${value}\r\n`
    }
  }
  const body = opts.body
  const bodyBytes =
    body === undefined
      ? undefined
      : typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (bodyBytes !== undefined && !hasLength) head += `content-length: ${bodyBytes.length}\r\n`
  else if (bodyBytes === undefined && !hasLength && (opts.method === 'POST' || opts.method === 'PUT' || opts.method === 'PATCH'))
    head += 'content-length: 0\r\n'
  head += '\r\n'
  const bytes = bodyBytes === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes])
  if (frozen) serialized.set(opts, { host, bytes })
  return bytes
}

// Plain constants (no enums: the sources run with Node's type stripping).
/** How the current response's body ends. */
const Body = { None: 0, Length: 1, Chunked: 2, ToClose: 3 } as const
/** What a response head turned out to be. */
const Head = { Failed: 0, Interim: 1, Started: 2 } as const
/** Where a chunked body's reader is. */
const Chunk = { Size: 0, Data: 1, DataEnd: 2, Trailers: 3 } as const
type Values<T> = T[keyof T]

/**
 * One keep-alive connection. dispatch() writes at once (the pool keeps within its pipelining);
 * responses are matched to requests in order. Any failure of the socket fails every request on it.
 */
export class WireConnection {
  private readonly hostname: string
  private readonly port: number
  private readonly hostHeader: string
  private readonly options: WireOptions
  private socket: Socket | undefined
  private first: Pending | undefined
  private last: Pending | undefined
  private closing: (() => void) | undefined
  private closed = false
  // Parser state of the response at the head of the queue.
  private partial: Buffer | undefined
  private reading = false
  private body: Values<typeof Body> = Body.None
  private remaining = 0
  private chunk: Values<typeof Chunk> = Chunk.Size
  private keepAlive = true
  // Coarse clock (ticks of the shared timer): when the head request started its current wait.
  since = 0
  idleSince = 0

  constructor(origin: string, options: WireOptions) {
    const url = new URL(origin)
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
    this.port = Number(url.port || 80)
    this.hostHeader = url.host
    this.options = options
  }

  dispatch(opts: DispatchOptions, handler: WireHandler): boolean {
    if (this.closed || this.closing !== undefined) {
      handler.onResponseError?.(null, codeError('UND_ERR_CLOSED', 'the connection is closed'))
      return false
    }
    let bytes: Buffer
    try {
      bytes = serializeRequest(opts, this.hostHeader)
    } catch (err) {
      handler.onResponseError?.(null, err as Error)
      return false
    }
    const p = new Pending(this, handler, opts, this.options)
    if (this.last === undefined) {
      this.first = this.last = p
      this.since = ticker.now
    } else this.last = this.last.next = p
    const socket = this.socket ?? this.open()
    handler.onRequestStart?.(p, NO_CONTEXT)
    if (p.done) return true
    socket.write(bytes)
    return true
  }

  private open(): Socket {
    const socket = connect({
      host: this.hostname,
      port: this.port,
      noDelay: true,
      // Reads land in one buffer shared by every wire connection and are parsed at once, without
      // a Buffer per read or the stream's 'data' machinery; what a handler keeps is copied.
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.onData(Buffer.from(buf.buffer, buf.byteOffset, n))
          return true
        },
      },
      ...(this.options.guardLookup ? { lookup: guardedLookup as never } : {}),
    })
    this.socket = socket
    const timer = setTimeout(
      () => this.fail(codeError('UND_ERR_CONNECT_TIMEOUT', `connect timeout (${this.options.connectTimeout} ms)`)),
      this.options.connectTimeout,
    )
    socket.once('connect', () => clearTimeout(timer))
    socket.on('error', (err) => {
      clearTimeout(timer)
      this.fail(err)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      if (this.socket !== socket) return
      if (this.reading && this.body === Body.ToClose && this.first !== undefined) this.finish(this.first)
      this.fail(codeError('UND_ERR_SOCKET', 'other side closed'))
    })
    ticker.add(this)
    return socket
  }

  private onData(data: Buffer): void {
    let buf = data
    let at = 0
    if (this.partial !== undefined) {
      buf = Buffer.concat([this.partial, data])
      this.partial = undefined
    }
    while (at < buf.length) {
      // A response that ended with `connection: close`, or a handler that aborted, dropped the socket.
      if (this.socket === undefined) return
      const p = this.first
      if (p === undefined) return this.fail(codeError('UND_ERR_SOCKET', 'the server sent data nobody asked for'))
      if (!this.reading) {
        const end = buf.indexOf(HEAD_END, at)
        if (end === -1) {
          if (buf.length - at > MAX_HEAD) return this.fail(codeError('UND_ERR_HEADERS_OVERFLOW', 'response headers over 64 KiB'))
          this.partial = Buffer.from(buf.subarray(at))
          return
        }
        const started = this.startResponse(p, buf.toString('latin1', at, end))
        if (started === Head.Failed) return
        at = end + 4
        if (started === Head.Interim) continue
        if (this.body === Body.None) {
          this.finish(p)
          continue
        }
      }
      if (this.body === Body.Length) {
        const take = Math.min(this.remaining, buf.length - at)
        this.since = ticker.now
        p.handler.onResponseData?.(p, own(p, buf.subarray(at, at + take)))
        at += take
        this.remaining -= take
        if (this.remaining === 0) this.finish(p)
      } else if (this.body === Body.ToClose) {
        this.since = ticker.now
        p.handler.onResponseData?.(p, own(p, buf.subarray(at)))
        return
      } else {
        at = this.chunked(p, buf, at)
        if (at < 0) return
      }
    }
  }

  /** Reads the status line and headers. */
  private startResponse(p: Pending, head: string): Values<typeof Head> {
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32) {
      this.fail(codeError('HPE_INVALID_CONSTANT', `not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`))
      return Head.Failed
    }
    const status = Number(head.slice(9, 12))
    const eol = head.indexOf('\r\n')
    const headers: Record<string, string | string[]> = {}
    let length = -1
    let chunked = false
    this.keepAlive = head.charCodeAt(7) !== 48 // HTTP/1.0 closes unless it says keep-alive
    for (let start = eol === -1 ? head.length : eol + 2; start < head.length;) {
      let end = head.indexOf('\r\n', start)
      if (end === -1) end = head.length
      const colon = head.indexOf(':', start)
      if (colon > start && colon < end) {
        const name = head.slice(start, colon).trim().toLowerCase()
        const value = head.slice(colon + 1, end).trim()
        const had = headers[name]
        headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]
        if (name === 'content-length') length = Number(value)
        else if (name === 'transfer-encoding') chunked = value.toLowerCase().endsWith('chunked')
        else if (name === 'connection')
          this.keepAlive = value.toLowerCase() === 'keep-alive' || (this.keepAlive && value.toLowerCase() !== 'close')
      }
      start = end + 2
    }
    // An interim response (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200 && status !== 101) return Head.Interim
    if (!Number.isInteger(status) || status < 200 || status > 999) {
      this.fail(codeError('HPE_INVALID_STATUS', `invalid status in ${JSON.stringify(head.slice(0, 40))}`))
      return Head.Failed
    }
    if (p.head || status === 204 || status === 304) this.body = Body.None
    else if (chunked) {
      this.body = Body.Chunked
      this.chunk = Chunk.Size
    } else if (length >= 0 && Number.isSafeInteger(length)) {
      this.body = length === 0 ? Body.None : Body.Length
      this.remaining = length
    } else {
      this.body = Body.ToClose
      this.keepAlive = false
    }
    this.reading = true
    this.since = ticker.now
    p.handler.onResponseStart?.(p, status, headers)
    return p.done ? Head.Failed : Head.Started
  }

  /** Reads chunked body bytes from `at`; the new position, or -1 when it waits for more (or failed). */
  private chunked(p: Pending, buf: Buffer, at: number): number {
    while (at < buf.length) {
      if (this.chunk === Chunk.Size || this.chunk === Chunk.Trailers || this.chunk === Chunk.DataEnd) {
        const eol = buf.indexOf(CRLF_BYTES, at)
        if (eol === -1) {
          if (buf.length - at > MAX_HEAD) {
            this.fail(codeError('HPE_INVALID_CHUNK_SIZE', 'chunk size line over 64 KiB'))
            return -1
          }
          this.partial = Buffer.from(buf.subarray(at))
          return -1
        }
        const line = buf.toString('latin1', at, eol)
        at = eol + 2
        if (this.chunk === Chunk.DataEnd) {
          this.chunk = Chunk.Size
          continue
        }
        if (this.chunk === Chunk.Trailers) {
          if (line === '') {
            this.finish(p)
            return at
          }
          continue
        }
        const size = Number.parseInt(line, 16)
        if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-fA-F]/.test(line)) {
          this.fail(codeError('HPE_INVALID_CHUNK_SIZE', `invalid chunk size ${JSON.stringify(line.slice(0, 20))}`))
          return -1
        }
        if (size === 0) this.chunk = Chunk.Trailers
        else {
          this.chunk = Chunk.Data
          this.remaining = size
        }
      } else {
        const take = Math.min(this.remaining, buf.length - at)
        this.since = ticker.now
        p.handler.onResponseData?.(p, own(p, buf.subarray(at, at + take)))
        at += take
        this.remaining -= take
        if (this.remaining === 0) this.chunk = Chunk.DataEnd
      }
    }
    return at
  }

  private finish(p: Pending): void {
    this.reading = false
    this.first = p.next
    if (this.first === undefined) this.last = undefined
    p.next = undefined
    p.done = true
    this.since = this.idleSince = ticker.now
    const keep = this.keepAlive
    p.handler.onResponseEnd?.(p, NO_TRAILERS)
    if (!keep) this.fail(codeError('UND_ERR_SOCKET', 'the server closed the connection (connection: close)'))
    else if (this.first === undefined && this.closing !== undefined) this.shut()
  }

  /** Fails every request on this connection (`only` first) and drops the socket; the next dispatch reconnects. */
  fail(err: Error, only?: Pending): void {
    const socket = this.socket
    this.socket = undefined
    this.partial = undefined
    this.reading = false
    let p = this.first
    this.first = this.last = undefined
    if (socket !== undefined) {
      ticker.delete(this)
      socket.destroy()
    }
    if (only !== undefined && !only.done) {
      only.done = true
      only.handler.onResponseError?.(only, err)
    }
    const rest = only === undefined ? err : codeError('UND_ERR_SOCKET', `the connection was closed: ${err.message}`)
    for (; p !== undefined; p = p.next) {
      if (p.done) continue
      p.done = true
      p.handler.onResponseError?.(p, rest)
    }
    if (this.closing !== undefined) this.shut()
  }

  /** Called by the shared timer: fails the head request past its timeout, closes an idle connection. */
  tick(now: number, msPerTick: number): void {
    const p = this.first
    if (p === undefined) {
      if ((now - this.idleSince) * msPerTick >= this.options.keepAliveTimeout) {
        const socket = this.socket
        this.socket = undefined
        ticker.delete(this)
        socket?.destroy()
      }
      return
    }
    const waited = (now - this.since) * msPerTick
    if (!this.reading && waited > p.headersTimeout) this.fail(codeError('UND_ERR_HEADERS_TIMEOUT', 'headers timeout'), p)
    else if (this.reading && waited > p.bodyTimeout) this.fail(codeError('UND_ERR_BODY_TIMEOUT', 'body timeout'), p)
  }

  /** Waits for the requests in flight, then closes. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      this.closing = resolve
      if (this.first === undefined) this.shut()
    })
  }

  /** Fails the requests in flight and closes now. */
  destroy(): Promise<void> {
    this.fail(codeError('UND_ERR_DESTROYED', 'the client was destroyed'))
    this.closed = true
    return Promise.resolve()
  }

  private shut(): void {
    this.closed = true
    const socket = this.socket
    this.socket = undefined
    if (socket !== undefined) {
      ticker.delete(this)
      socket.end()
    }
    const done = this.closing
    this.closing = undefined
    done?.()
  }
}

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/** A body slice of the shared read buffer, copied when the handler keeps it past this call. */
function own(p: Pending, chunk: Buffer): Buffer {
  return p.handler.keepsData === true ? Buffer.from(chunk) : chunk
}

const CRLF_BYTES = Buffer.from('\r\n')

/**
 * One coarse timer for every wire connection (as undici's fast timers): timeouts cost nothing per
 * request, and fire up to one tick late. A tick is 50 ms, so a 100 ms timeout fires after 100–150 ms.
 */
class Ticker {
  now = 0
  private readonly conns = new Set<WireConnection>()
  private timer: NodeJS.Timeout | undefined
  static readonly MS = 50

  add(conn: WireConnection): void {
    conn.since = conn.idleSince = this.now
    this.conns.add(conn)
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), Ticker.MS)
      this.timer.unref()
    }
  }

  delete(conn: WireConnection): void {
    this.conns.delete(conn)
    if (this.conns.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private tick(): void {
    this.now++
    for (const conn of this.conns) conn.tick(this.now, Ticker.MS)
  }
}

const ticker = new Ticker()
