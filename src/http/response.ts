import { PerfHttpUsageError } from './errors.ts'
import type { HttpResponse } from './types.ts'

const NONE: readonly string[] = Object.freeze([])

/**
 * What a request resolves to. Kept apart from the undici handler on purpose: undici holds up to
 * 256 finished requests per connection (and their handlers) before it trims its queue, and a
 * response with its headers and body must not live that long.
 */
export class ReceivedResponse implements HttpResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly size: number
  readonly duration: number
  ok = true
  failedChecks: readonly string[] = NONE
  private readonly request: { method: string; path: string }
  private readonly origin: string
  private chunks: Buffer[] | undefined
  private body: Buffer | undefined
  private textValue: string | undefined

  constructor(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    size: number,
    duration: number,
    chunks: Buffer[] | undefined,
    request: { method: string; path: string },
    origin: string,
  ) {
    this.status = status
    this.headers = headers
    this.size = size
    this.duration = duration
    this.chunks = chunks
    this.request = request
    this.origin = origin
  }

  bytes(): Buffer {
    if (this.body === undefined) {
      if (this.chunks === undefined) {
        throw new PerfHttpUsageError(
          'PERF_HTTP_BODY_NOT_READ',
          `${this.request.method} ${this.origin}${this.request.path}: the response body was discarded (only its size is counted). Pass readBody: true to this request, or add a body check, to use res.text(), res.json() or res.bytes().`,
        )
      }
      this.body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
      this.chunks = []
    }
    return this.body
  }

  text(): string {
    // Body checks and named checks may each ask: decode once.
    this.textValue ??= this.bytes().toString('utf8')
    return this.textValue
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T
  }
}
