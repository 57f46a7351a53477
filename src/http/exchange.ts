import type { Client, Dispatcher } from 'undici'
import type { IterationContext } from '../engine/context.ts'
import type { CompiledRequest, DispatchOptions } from './compile.ts'
import type { ConnectionPool, PooledRequest } from './connections.ts'
import { PerfHttpCheckError, requestError } from './errors.ts'
import { ReceivedResponse } from './response.ts'
import type { HttpResponse } from './types.ts'

/** What every exchange of one client shares. */
export interface ClientState {
  readonly origin: string
  readonly timeouts: { connect: number; headers: number; body: number }
  readonly inflight: Set<Exchange>
  readonly pool: ConnectionPool
}

const NO_HEADERS = Object.freeze({})
const settledNoop = () => {}

/**
 * One request as undici sees it: the dispatch handler, and the link in the pool's wait queue.
 * Once settled it drops everything per request (see ReceivedResponse for why).
 */
export class Exchange implements Dispatcher.DispatchHandler, PooledRequest {
  readonly opts: DispatchOptions
  conn: Client | undefined = undefined
  next: Exchange | undefined = undefined
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

  constructor(state: ClientState, req: CompiledRequest, opts: DispatchOptions, reqSize: number, ctx: IterationContext | undefined, resolve: (res: HttpResponse) => void, reject: (err: unknown) => void) {
    this.state = state
    this.req = req
    this.opts = opts
    this.reqSize = reqSize
    this.ctx = ctx
    this.resolve = resolve
    this.reject = reject
    this.chunks = req.keepBody ? [] : undefined
    this.start = performance.now()
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abortReason !== undefined) controller.abort(this.abortReason)
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length
    if (this.chunks !== undefined) this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.settled) return
    const duration = performance.now() - this.start
    const { ctx, req, resolve, reject } = this
    this.release()
    const res = new ReceivedResponse(this.status, this.headers, this.size, duration, this.chunks, this.opts, this.state.origin)
    this.headers = NO_HEADERS
    this.chunks = undefined
    if (ctx !== undefined) {
      ctx.trend('http_req_duration', duration, req.tags)
      ctx.counter('http_reqs')
      ctx.rate('http_req_failed', res.status >= 400)
      ctx.counter('http_req_size', this.reqSize)
      ctx.counter('http_res_size', res.size)
    }
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
    if (ctx !== undefined) {
      ctx.counter('http_reqs')
      ctx.rate('http_req_failed', true)
      ctx.counter('http_req_errors', 1, { kind: error.code, endpoint: this.req.endpoint })
    }
    reject(error)
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
