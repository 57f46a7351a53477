import { describe, expect, it } from 'vitest'
import { PerfError } from '../../src/core/errors.ts'
import { PerfHttpCheckError, PerfHttpRequestError, requestError } from '../../src/http/errors.ts'

const timeouts = { connect: 1000, headers: 2000, body: 3000 }
const fake = (code: string, message = 'boom') => Object.assign(new Error(message), { code })

describe('requestError maps undici and socket errors to stable codes', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'PERF_HTTP_CONNECT_TIMEOUT', 'within 1000 ms (connectTimeout)'],
    ['ETIMEDOUT', 'PERF_HTTP_CONNECT_TIMEOUT', 'raise connectTimeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'PERF_HTTP_HEADERS_TIMEOUT', 'within 2000 ms (headersTimeout)'],
    ['UND_ERR_BODY_TIMEOUT', 'PERF_HTTP_BODY_TIMEOUT', 'more than 3000 ms (bodyTimeout)'],
    ['ECONNREFUSED', 'PERF_HTTP_CONNECTION_REFUSED', 'nothing listens on that port'],
    ['ECONNRESET', 'PERF_HTTP_CONNECTION_CLOSED', 'closed the connection'],
    ['EPIPE', 'PERF_HTTP_CONNECTION_CLOSED', 'closed the connection'],
    ['UND_ERR_SOCKET', 'PERF_HTTP_CONNECTION_CLOSED', 'closed the connection'],
    ['UND_ERR_ABORTED', 'PERF_HTTP_ABORTED', 'gracefulStop'],
    ['UND_ERR_CLOSED', 'PERF_HTTP_CLIENT_CLOSED', 'after runLoad() returns'],
    ['UND_ERR_DESTROYED', 'PERF_HTTP_CLIENT_CLOSED', 'after runLoad() returns'],
    ['UND_ERR_INVALID_ARG', 'PERF_HTTP_REQUEST_INVALID', 'the request was refused before it was sent'],
    ['EHOSTUNREACH', 'PERF_HTTP_REQUEST_FAILED', 'EHOSTUNREACH: boom'],
  ])('%s → %s', (kind, code, message) => {
    const cause = fake(kind)
    const error = requestError(cause, 'GET http://127.0.0.1:1/x', timeouts)
    expect(error).toBeInstanceOf(PerfHttpRequestError)
    expect(error).toBeInstanceOf(PerfError)
    expect(error).toMatchObject({ code, kind, request: 'GET http://127.0.0.1:1/x' })
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/x: /)
    expect(error.message).toContain(message)
    expect(error.cause).toBe(cause)
  })

  it('uses the name when there is no code (AbortError)', () => {
    const abort = Object.assign(new Error('stop'), { name: 'AbortError' })
    expect(requestError(abort, 'GET /', timeouts)).toMatchObject({ code: 'PERF_HTTP_ABORTED', kind: 'AbortError' })
  })

  it('passes our own errors through unchanged', () => {
    const own = new PerfHttpCheckError('GET /', 500, ['status'])
    expect(requestError(own, 'GET /', timeouts)).toBe(own)
  })

  it('copes with non-errors', () => {
    expect(requestError('weird', 'GET /', timeouts)).toMatchObject({ code: 'PERF_HTTP_REQUEST_FAILED', kind: 'unknown' })
  })
})

describe('PerfHttpCheckError', () => {
  it('names the failed checks and how to keep going', () => {
    const e = new PerfHttpCheckError('GET http://127.0.0.1:1/x', 503, ['status', 'has id'])
    expect(e.code).toBe('PERF_HTTP_CHECK_FAILED')
    expect(e.message).toBe(
      'GET http://127.0.0.1:1/x: checks "status", "has id" failed (status 503). Checks are only counted in the "checks" rate unless throwOnCheck is true; drop throwOnCheck to keep the iteration going.',
    )
  })
})
