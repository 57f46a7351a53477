import type { Dispatcher } from 'undici'
import { realClock } from '../core/clock.ts'
import type { IterationContext } from '../engine/context.ts'
import type { CompiledRequest, DispatchOptions } from './compile.ts'
import type { Connection, ConnectionPool, PooledRequest } from './connections.ts'
import { PerfHttpCheckError, requestError } from './errors.ts'
import { recordFailure, recordResponse } from './metrics.ts'
import { ReceivedResponse } from './response.ts'
import type { HttpResponse } from './types.ts'

/** What every exchange of one client shares. */
export interface ClientState {
  readonly origin: string
  readonly timeouts: { connect: number; headers: number; body: number }
  readonly inflight: InflightList
  readonly pool: ConnectionPool
}

/**
 * The exchanges given a run's ctx and not settled yet, aborted at the hard stop. A list linked
 * through the exchanges themselves: adding and removing one is two pointer writes, no hashing.
 */
export class InflightList {
  head: Exchange | undefined = undefined

  add(ex: Exchange): void {
    ex.inflightNext = this.head
    if (this.head !== undefined) this.head.inflightPrev = ex
    this.head = ex
    ex.inflight = true
  }

  delete(ex: Exchange): void {
    if (!ex.inflight) return
    ex.inflight = false
    const { inflightPrev: prev, inflightNext: next } = ex
    if (prev === undefined) this.head = next
    else prev.inflightNext = next
    if (next !== undefined) next.inflightPrev = prev
    ex.inflightPrev = ex.inflightNext = undefined
  }

  /** Every exchange in the list, safe against removals while iterating. */
  toArray(): Exchange[] {
    const out: Exchange[] = []
    for (let ex = this.head; ex !== undefined; ex = ex.inflightNext) out.push(ex)
    return out
  }
}

const NO_HEADERS = Object.freeze({})
const settledNoop = () => {}

/**
 * One request as undici sees it: the dispatch handler, and the link in the pool's wait queue.
 * Once settled it drops everything per request (see ReceivedResponse for why).
 */
export class Exchange implements Dispatcher.DispatchHandler, PooledRequest {
  readonly opts: DispatchOptions
  conn: Connection | undefined = undefined
  next: Exchange | undefined = undefined
  inflight = false
  inflightPrev: Exchange | undefined = undefined
  inflightNext: Exchange | undefined = undefined
  private readonly state: ClientState
  private readonly req: CompiledRequest
  private readonly reqSize: number
  private readonly start: number
  private ctx: IterationContext | undefined
  private resolve: (res: HttpResponse) => void
  private reject: (err: unknown) => void
  private status = 0
  private headers: Record<string, string | string[] | undefined> = NO_HEADERS
  private size = 0
  private chunks: Buffer[] | undefined
  private controller: Dispatcher.DispatchController | undefined
  private abortReason: Error | undefined
  private settled = false

  constructor(
    state: ClientState,
    req: CompiledRequest,
    opts: DispatchOptions,
    reqSize: number,
    ctx: IterationContext | undefined,
    resolve: (res: HttpResponse) => void,
    reject: (err: unknown) => void,
  ) {
    this.state = state
    this.req = req
    this.opts = opts
    this.reqSize = reqSize
    this.ctx = ctx
    this.resolve = resolve
    this.reject = reject
    this.chunks = req.keepBody ? [] : undefined
    this.start = realClock.now()
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abortReason !== undefined) controller.abort(this.abortReason)
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = status
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length
    if (this.chunks !== undefined) this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.settled) return
    const duration = realClock.now() - this.start
    const { ctx, req, resolve, reject } = this
    this.release()
    const res = new ReceivedResponse(this.status, this.headers, this.size, duration, this.chunks, this.opts, this.state.origin)
    this.headers = NO_HEADERS
    this.chunks = undefined
    if (ctx !== undefined) recordResponse(ctx, req, duration, res.status, this.reqSize, res.size)
    if (req.checks.list.length > 0) runChecks(res, req.checks.list, ctx)
    if (!res.ok && req.throwOnCheck) reject(new PerfHttpCheckError(this.label(), res.status, res.failedChecks))
    else resolve(res)
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    if (this.settled) return
    const { ctx, reject } = this
    this.release()
    this.chunks = undefined
    const error = requestError(this.abortReason ?? err, this.label(), this.state.timeouts)
    if (ctx !== undefined) recordFailure(ctx, this.req, this.req.endpoint, error.code)
    reject(error)
  }

  /** Whether the body chunks are kept (readBody, body checks): the wire transport then copies them. */
  get keepsData(): boolean {
    return this.chunks !== undefined
  }

  get cancelled(): boolean {
    return this.abortReason !== undefined
  }

  fail(err: Error): void {
    this.onResponseError(null, err)
  }

  /** Aborts the request now: in undici, or in the pool's wait queue, or when undici starts it. */
  abort(reason: Error): void {
    if (this.settled) return
    this.abortReason = reason
    if (this.controller !== undefined) this.controller.abort(reason)
    else if (this.conn === undefined) this.fail(reason)
  }

  private release(): void {
    this.settled = true
    this.state.inflight.delete(this)
    this.state.pool.release(this)
    this.ctx = undefined
    this.controller = undefined
    this.resolve = settledNoop
    this.reject = settledNoop
  }

  private label(): string {
    return `${this.opts.method} ${this.state.origin}${this.opts.path}`
  }
}

function runChecks(res: ReceivedResponse, checks: CompiledRequest['checks']['list'], ctx: IterationContext | undefined): void {
  let failed: string[] | undefined
  for (const check of checks) {
    let ok: boolean
    try {
      ok = check.test(res) === true
    } catch {
      // A predicate that throws (e.g. JSON.parse of an error page) is a failed check.
      ok = false
    }
    ctx?.rate('checks', ok, check.tags)
    if (!ok) (failed ??= []).push(check.name)
  }
  if (failed !== undefined) {
    res.ok = false
    res.failedChecks = failed
  }
}
