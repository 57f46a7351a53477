import { formatProblems, PerfError, type ConfigProblem } from '../core/errors.ts'

/** The target is neither loopback nor allowlisted: refused before any socket opens. */
export class PerfHttpHostError extends PerfError {
  readonly host: string
  constructor(host: string, message: string) {
    super('PERF_HTTP_HOST_NOT_ALLOWED', message)
    this.host = host
  }
}

/** Client options or a request spec are invalid; every problem is listed at once. */
export class PerfHttpConfigError extends PerfError {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[], subject: string) {
    super('PERF_HTTP_CONFIG_INVALID', formatProblems(subject, problems, 'nothing was sent'))
    this.problems = problems
  }
}

/** Misuse found while a request is built or read (missing template value, unread body, …). */
export class PerfHttpUsageError extends PerfError {
  constructor(code: 'PERF_HTTP_TEMPLATE_VALUE_MISSING' | 'PERF_HTTP_BODY_NOT_READ' | 'PERF_HTTP_TOO_MANY_ENDPOINTS', message: string) {
    super(code, message)
  }
}

/** Failed checks, thrown only when the request asked for it with `throwOnCheck: true`. */
export class PerfHttpCheckError extends PerfError {
  readonly status: number
  readonly failed: readonly string[]
  constructor(request: string, status: number, failed: readonly string[]) {
    super(
      'PERF_HTTP_CHECK_FAILED',
      `${request}: check${failed.length === 1 ? '' : 's'} ${failed.map((f) => `"${f}"`).join(', ')} failed (status ${status}). Checks are only counted in the "checks" rate unless throwOnCheck is true; drop throwOnCheck to keep the iteration going.`,
    )
    this.status = status
    this.failed = failed
  }
}

export type HttpFailureCode =
  | 'PERF_HTTP_CONNECT_TIMEOUT'
  | 'PERF_HTTP_HEADERS_TIMEOUT'
  | 'PERF_HTTP_BODY_TIMEOUT'
  | 'PERF_HTTP_CONNECTION_REFUSED'
  | 'PERF_HTTP_CONNECTION_CLOSED'
  | 'PERF_HTTP_ABORTED'
  | 'PERF_HTTP_CLIENT_CLOSED'
  | 'PERF_HTTP_REQUEST_INVALID'
  | 'PERF_HTTP_REQUEST_FAILED'

/**
 * A request got no complete response. The code says which kind (the engine counts failed
 * iterations by code); `kind` keeps the underlying code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT).
 */
export class PerfHttpRequestError extends PerfError {
  readonly kind: string
  readonly request: string
  constructor(code: HttpFailureCode, kind: string, request: string, message: string, cause?: unknown) {
    super(code, `${request}: ${message}`, cause === undefined ? undefined : { cause })
    this.kind = kind
    this.request = request
  }
}

interface Timeouts {
  connect: number
  headers: number
  body: number
}

/** Maps an undici or socket error to one of our failure codes with a message that says what to do. */
export function requestError(cause: unknown, request: string, timeouts: Timeouts): PerfError {
  if (cause instanceof PerfError) return cause
  const e = cause as { code?: unknown; message?: unknown; name?: unknown } | undefined
  const kind = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'unknown'
  const detail = typeof e?.message === 'string' ? e.message : String(cause)
  switch (kind) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new PerfHttpRequestError(
        'PERF_HTTP_CONNECT_TIMEOUT',
        kind,
        request,
        `could not connect within ${timeouts.connect} ms (connectTimeout). Check that the server is up and accepting, or raise connectTimeout.`,
        cause,
      )
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new PerfHttpRequestError(
        'PERF_HTTP_HEADERS_TIMEOUT',
        kind,
        request,
        `no response headers within ${timeouts.headers} ms (headersTimeout). The server is too slow or stuck at this load; raise timeout/headersTimeout or lower the load.`,
        cause,
      )
    case 'UND_ERR_BODY_TIMEOUT':
      return new PerfHttpRequestError(
        'PERF_HTTP_BODY_TIMEOUT',
        kind,
        request,
        `the response body stalled for more than ${timeouts.body} ms (bodyTimeout). Raise timeout/bodyTimeout or check the server.`,
        cause,
      )
    case 'ECONNREFUSED':
      return new PerfHttpRequestError(
        'PERF_HTTP_CONNECTION_REFUSED',
        kind,
        request,
        'connection refused: nothing listens on that port. Start the server before the run, or check the URL and port.',
        cause,
      )
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new PerfHttpRequestError(
        'PERF_HTTP_CONNECTION_CLOSED',
        kind,
        request,
        `the server closed the connection before the response was complete (${detail}). It may have crashed, hit its connection limit or keep-alive timeout.`,
        cause,
      )
    case 'UND_ERR_ABORTED':
    case 'AbortError':
      return new PerfHttpRequestError(
        'PERF_HTTP_ABORTED',
        kind,
        request,
        `aborted (${detail}). The run's gracefulStop ran out or the client was closed while the request was in flight.`,
        cause,
      )
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return new PerfHttpRequestError(
        'PERF_HTTP_CLIENT_CLOSED',
        kind,
        request,
        'the HTTP client was closed. Close it after runLoad() returns (afterAll), not while a run still uses it.',
        cause,
      )
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return new PerfHttpRequestError(
        'PERF_HTTP_REQUEST_INVALID',
        kind,
        request,
        `the request was refused before it was sent: ${detail}. Fix the method, path, headers or body.`,
        cause,
      )
    default:
      return new PerfHttpRequestError('PERF_HTTP_REQUEST_FAILED', kind, request, `request failed (${kind}: ${detail}).`, cause)
  }
}
