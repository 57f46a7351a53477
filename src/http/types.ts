import type { IterationContext } from '../engine/context.ts'
import type { Tags } from '../metrics/registry.ts'
import type { TemplateVars } from './template.ts'

export type { TemplateVars }

/** A duration as everywhere in vitest-perf: milliseconds or `'5s'`, `'250ms'`, `'1m'`. */
export type Duration = number | string

export interface HttpClientOptions {
  /** Connections to the origin. Default: no limit, one per concurrent request (as k6's VUs). */
  connections?: number
  /** Requests in flight per connection (HTTP/1.1 pipelining). Default 1. */
  pipelining?: number
  /** Limit for each phase: connect, response headers, gap between body chunks. Default '10s'. */
  timeout?: Duration
  connectTimeout?: Duration
  headersTimeout?: Duration
  bodyTimeout?: Duration
  /** Idle keep-alive connections are closed after this. Default '4s' (undici's). */
  keepAliveTimeout?: Duration
  /** Sent with every request; a request's own headers win. */
  headers?: Record<string, string>
  /** Non-loopback hosts you own and allow load to: names, `*.suffix`, IPs, CIDR ranges. */
  allowHosts?: string[]
  /** Default for every request: throw PerfHttpCheckError when a check fails. Default false. */
  throwOnCheck?: boolean
  /**
   * Who speaks HTTP/1.1: `'undici'` (default) or `'wire'`, our own lean client on plain sockets
   * (`http:` only; no TLS, proxies or compression). See docs/http.md for when to use it.
   */
  transport?: 'undici' | 'wire'
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | (string & {})

/** Either a fixed value, a `{name}` template string, or a function of the iteration. */
export type Dynamic<T> = T | ((ctx: IterationContext | undefined, vars: TemplateVars | undefined) => T)

export type StatusCheck = number | readonly number[] | ((status: number) => boolean)
export type BodyCheck = string | RegExp | ((body: string) => boolean)

export interface CheckSpec {
  /** `checks{check:status}`: the status equals, is one of, or satisfies this. */
  status?: StatusCheck
  /** `checks{check:body}`: the body contains the string, matches, or satisfies this. */
  body?: BodyCheck
  /** More checks by name, each counted as `checks{check:<name>}`. */
  named?: Record<string, (res: HttpResponse) => boolean>
}

export interface RequestOptions {
  /** The `endpoint` tag. Default: the path (template) without its query string. */
  tag?: string
  /** More tags for `http_req_duration`. */
  tags?: Tags
  headers?: Dynamic<Record<string, string>>
  /** A string (with `{name}` placeholders), bytes, or a function returning either. */
  body?: Dynamic<string | Uint8Array>
  /** Sent as JSON with content-type application/json; excludes `body`. */
  json?: object | string | number | boolean | null | ((ctx: IterationContext | undefined, vars: TemplateVars | undefined) => unknown)
  check?: CheckSpec
  /** Keep the response body for res.text()/json()/bytes(). Implied by body and named checks. */
  readBody?: boolean
  throwOnCheck?: boolean
  /** Overrides the client's headers and body timeouts for this request. */
  timeout?: Duration
}

export interface RequestSpec extends RequestOptions {
  method?: HttpMethod
  /** Starts with `/`; `{name}` placeholders are filled per request (values percent-encoded). */
  path: Dynamic<string>
  /** Values for placeholders when the caller passes none. */
  vars?: (ctx: IterationContext | undefined) => TemplateVars
}

export interface HttpResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  /** Response body bytes received (also when the body was not kept). */
  readonly size: number
  /** Milliseconds from sending to the last body byte, with microsecond resolution. */
  readonly duration: number
  /** True when every check passed (or there were none). */
  readonly ok: boolean
  /** Names of the checks that failed. */
  readonly failedChecks: readonly string[]
  text(): string
  json<T = unknown>(): T
  bytes(): Buffer
}

/** A compiled request: call it per iteration. */
export interface RequestTemplate {
  (ctx?: IterationContext, vars?: TemplateVars): Promise<HttpResponse>
  readonly method: string
  readonly endpoint: string
}
