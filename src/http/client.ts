import type { IterationContext } from '../engine/context.ts'
import type { Tags } from '../metrics/registry.ts'
import { buildOptions, compileRequest, type ClientDefaults, type CompiledRequest } from './compile.ts'
import { PerfHttpUsageError } from './errors.ts'
import { ConnectionPool } from './connections.ts'
import { Exchange, InflightList, type ClientState } from './exchange.ts'
import { guardedLookup } from './hosts.ts'
import { resolveClientOptions } from './options.ts'
import type { TemplateVars } from './template.ts'
import type { HttpClientOptions, HttpResponse, RequestOptions, RequestSpec, RequestTemplate } from './types.ts'

/** Distinct endpoint tags per client; more means a raw id ended up in a tag. */
export const MAX_ENDPOINTS = 500
const MAX_CACHED_PATHS = 1000
const TEMPLATE = Symbol('vitest-perf.http.template')

export type Sendable = RequestSpec | RequestTemplate

/**
 * HTTP/1.1 load client on undici Clients (keep-alive, optional pipelining) with per-endpoint
 * metrics and checks recorded into the iteration context.
 */
export class HttpClient implements AsyncDisposable {
  readonly origin: string
  private readonly pool: ConnectionPool
  private readonly state: ClientState
  private readonly defaults: ClientDefaults
  private readonly byMethod = new Map<string, Map<string, CompiledRequest>>()
  private readonly bySpec = new WeakMap<object, CompiledRequest>()
  private readonly byOptions = new WeakMap<object, CompiledRequest>()
  private readonly endpointTags = new Map<string, Tags>()
  private readonly watched = new WeakSet<AbortSignal>()
  private lastSignal: AbortSignal | undefined

  constructor(url: string | URL, options: HttpClientOptions = {}) {
    // Validation and the host check run before undici exists, so a refusal sends nothing.
    const o = resolveClientOptions(url, options)
    this.origin = o.origin
    this.pool = new ConnectionPool(o.origin, {
      connections: o.connections,
      pipelining: o.pipelining,
      client: {
        headersTimeout: o.timeouts.headers,
        bodyTimeout: o.timeouts.body,
        keepAliveTimeout: o.keepAliveTimeout,
        connect: { timeout: o.timeouts.connect, ...(o.via === 'localhost' ? { lookup: guardedLookup } : {}) },
      },
      ...(o.transport === 'wire'
        ? {
            wire: {
              connectTimeout: o.timeouts.connect,
              headersTimeout: o.timeouts.headers,
              bodyTimeout: o.timeouts.body,
              keepAliveTimeout: o.keepAliveTimeout ?? 4000,
              guardLookup: o.via === 'localhost',
            },
          }
        : {}),
    })
    this.state = { origin: o.origin, timeouts: o.timeouts, inflight: new InflightList(), pool: this.pool }
    this.defaults = { headers: o.headers, throwOnCheck: o.throwOnCheck, tagsFor: (endpoint, extra) => this.tagsFor(endpoint, extra) }
  }

  get(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('GET', path, ctx, options)
  }

  head(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('HEAD', path, ctx, options)
  }

  post(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('POST', path, ctx, options)
  }

  put(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('PUT', path, ctx, options)
  }

  patch(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('PATCH', path, ctx, options)
  }

  delete(path: string, ctx?: IterationContext, options?: RequestOptions): Promise<HttpResponse> {
    return this.simple('DELETE', path, ctx, options)
  }

  /** Sends a spec (compiled once per spec object) or a template from template(). */
  request(spec: Sendable, ctx?: IterationContext, vars?: TemplateVars): Promise<HttpResponse> {
    if (typeof spec === 'function' && TEMPLATE in spec) return spec(ctx, vars)
    let compiled = this.bySpec.get(spec)
    if (compiled === undefined) {
      try {
        compiled = compileRequest(spec as RequestSpec, this.defaults, 'HTTP request')
      } catch (err) {
        return Promise.reject(err)
      }
      this.bySpec.set(spec, compiled)
    }
    return this.send(compiled, ctx, vars)
  }

  /** Compiles a request once; the returned function sends it with per-call placeholder values. */
  template(spec: RequestSpec): RequestTemplate {
    const compiled = compileRequest(spec, this.defaults, 'HTTP request template')
    const send = (ctx?: IterationContext, vars?: TemplateVars) => this.send(compiled, ctx, vars)
    return Object.assign(send, { method: compiled.method, endpoint: compiled.endpoint, [TEMPLATE]: true })
  }

  /** Waits for requests in flight, then closes the connections. */
  async close(): Promise<void> {
    await this.pool.close()
  }

  /** Aborts requests in flight and closes the connections at once. */
  async destroy(): Promise<void> {
    await this.pool.destroy()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  private simple(
    method: string,
    path: string,
    ctx: IterationContext | undefined,
    options: RequestOptions | undefined,
  ): Promise<HttpResponse> {
    let compiled: CompiledRequest
    try {
      compiled = this.compiled(method, path, options)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.send(compiled, ctx, undefined)
  }

  private compiled(method: string, path: string, options: RequestOptions | undefined): CompiledRequest {
    if (options === undefined) {
      let paths = this.byMethod.get(method)
      if (paths === undefined) this.byMethod.set(method, (paths = new Map()))
      let compiled = paths.get(path)
      if (compiled === undefined) {
        compiled = compileRequest({ method, path }, this.defaults, 'HTTP request')
        if (paths.size < MAX_CACHED_PATHS) paths.set(path, compiled)
      }
      return compiled
    }
    // Hoisted options objects hit this cache; inline literals are compiled per call.
    let compiled = this.byOptions.get(options)
    if (compiled === undefined || compiled.method !== method || compiled.source !== path) {
      compiled = compileRequest({ ...options, method, path }, this.defaults, 'HTTP request')
      this.byOptions.set(options, compiled)
    }
    return compiled
  }

  private send(c: CompiledRequest, ctx: IterationContext | undefined, vars: TemplateVars | undefined): Promise<HttpResponse> {
    let opts = c.fixed
    let size = c.fixedSize
    if (opts === undefined) {
      try {
        const built = buildOptions(c, ctx, vars)
        opts = built.opts
        size = built.size
      } catch (err) {
        return Promise.reject(err)
      }
    }
    if (ctx !== undefined && ctx.signal !== this.lastSignal) this.watch(ctx.signal)
    // The executor is a plain function, not a closure: no context is allocated per request.
    const promise = new Promise<HttpResponse>(captureResolvers)
    const resolve = capturedResolve!
    const reject = capturedReject!
    capturedResolve = capturedReject = undefined
    try {
      const ex = new Exchange(this.state, c, opts, size, ctx, resolve, reject)
      if (ctx?.signal.aborted) ex.fail(abortError(ctx.signal))
      else {
        this.state.inflight.add(ex)
        this.pool.dispatch(ex)
      }
    } catch (err) {
      reject(err)
    }
    return promise
  }

  /** One listener per run signal: at the hard stop every request in flight is aborted. */
  private watch(signal: AbortSignal): void {
    this.lastSignal = signal
    if (this.watched.has(signal)) return
    this.watched.add(signal)
    signal.addEventListener(
      'abort',
      () => {
        for (const ex of this.state.inflight.toArray()) ex.abort(abortError(signal))
      },
      { once: true },
    )
  }

  private tagsFor(endpoint: string, extra: Tags | undefined): Tags {
    const key = extra === undefined ? endpoint : `${endpoint}\u0000${JSON.stringify(Object.entries(extra).sort())}`
    let tags = this.endpointTags.get(key)
    if (tags === undefined) {
      if (this.endpointTags.size >= MAX_ENDPOINTS) {
        throw new PerfHttpUsageError(
          'PERF_HTTP_TOO_MANY_ENDPOINTS',
          `More than ${MAX_ENDPOINTS} distinct endpoint tags on ${this.origin} (latest: "${endpoint}"): each one keeps its own histogram. ` +
            `Put ids into a template ('/orders/{id}' with send(ctx, { id })) or pass tag: '/orders/:id'.`,
        )
      }
      tags = Object.freeze({ ...extra, endpoint })
      this.endpointTags.set(key, tags)
    }
    return tags
  }
}

let capturedResolve: ((res: HttpResponse) => void) | undefined
let capturedReject: ((err: unknown) => void) | undefined

function captureResolvers(resolve: (res: HttpResponse) => void, reject: (err: unknown) => void): void {
  capturedResolve = resolve
  capturedReject = reject
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted')
  const err = new Error(`aborted: ${reason}`)
  err.name = 'AbortError'
  return err
}
