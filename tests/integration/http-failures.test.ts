import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runLoad } from 'vitest-perf'
import { http, PerfHttpRequestError } from '../../src/http/index.ts'
import { freePort } from '../../src/infra/free-port.ts'
import type { RunResult } from '../../src/core/result.ts'
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.ts'

let slow: HttpTarget
let server: Server
let url: string

beforeAll(async () => {
  // undici checks headers and body timeouts on a ~0.5 s tick: they fire up to ~1 s late.
  slow = await startHttpTarget(2500)
  // Routes that fail in the middle of a response, which the shared target cannot do.
  server = createServer((req, res) => {
    if (req.url === '/stall-body') {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
    } else if (req.url === '/reset') req.socket.destroy()
    else res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await slow.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** Runs `n` iterations of `fn` and returns the result. */
function iterations(n: number, fn: Parameters<typeof runLoad>[1]): Promise<RunResult> {
  return runLoad({ executor: 'shared-iterations', vus: Math.min(n, 5), iterations: n, maxDuration: '20s' }, fn, { attach: false })
}

function expectKind(result: RunResult, code: string, n: number, endpoint: string): void {
  expect(result.failed).toBe(n)
  expect(Object.keys(result.errors.byKind)).toEqual([code])
  expect(result.errors.byKind[code].count).toBe(n)
  expect(result.metrics[`http_req_errors{endpoint:${endpoint},kind:${code}}`]).toMatchObject({ type: 'counter', count: n })
  expect(result.metrics.http_req_failed).toMatchObject({ type: 'rate', trues: n, total: n })
  expect(result.metrics.http_req_duration).toBeUndefined()
}

// Both transports fail the same way: undici, and our own wire client (transport: 'wire').
describe.each(['undici', 'wire'] as const)('transport %s', (transport) => {
  describe('request failures fail the iteration and are counted by kind', () => {
    it('no headers in time: PERF_HTTP_HEADERS_TIMEOUT', async () => {
      await using api = http.client(slow.url, { timeout: '100ms', transport })
      const t0 = performance.now()
      const result = await iterations(5, (ctx) => api.get('/', ctx))
      expectKind(result, 'PERF_HTTP_HEADERS_TIMEOUT', 5, '/')
      expect(performance.now() - t0).toBeLessThan(2000)
      expect(result.errors.byKind.PERF_HTTP_HEADERS_TIMEOUT.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/: no response headers within 100 ms \(headersTimeout\)/,
      )
    })

    it('a per-request timeout overrides the client’s', async () => {
      await using api = http.client(slow.url, { timeout: '5s', transport })
      const result = await iterations(3, (ctx) => api.get('/', ctx, { tag: 'slow', timeout: 150 }))
      expectKind(result, 'PERF_HTTP_HEADERS_TIMEOUT', 3, 'slow')
    })

    it('a stalled body: PERF_HTTP_BODY_TIMEOUT', async () => {
      await using api = http.client(url, { bodyTimeout: '100ms', transport })
      const result = await iterations(3, (ctx) => api.get('/stall-body', ctx))
      expectKind(result, 'PERF_HTTP_BODY_TIMEOUT', 3, '/stall-body')
    })

    it('nothing listening: PERF_HTTP_CONNECTION_REFUSED, kind ECONNREFUSED', async () => {
      const port = await freePort()
      await using api = http.client(`http://127.0.0.1:${port}`, { transport })
      const result = await iterations(4, (ctx) => api.get('/orders', ctx))
      expectKind(result, 'PERF_HTTP_CONNECTION_REFUSED', 4, '/orders')
      const error = await api.get('/orders').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PerfHttpRequestError)
      expect(error).toMatchObject({ code: 'PERF_HTTP_CONNECTION_REFUSED', kind: 'ECONNREFUSED' })
      expect((error as Error).message).toContain('nothing listens on that port')
    })

    it('the server drops the connection: PERF_HTTP_CONNECTION_CLOSED', async () => {
      await using api = http.client(url, { transport })
      const result = await iterations(3, (ctx) => api.get('/reset', ctx))
      expectKind(result, 'PERF_HTTP_CONNECTION_CLOSED', 3, '/reset')
    })

    it('a header undici refuses: PERF_HTTP_REQUEST_INVALID', async () => {
      await using api = http.client(url, { transport })
      const error = await api.get('/', undefined, { headers: { 'x-bad': 'a\r\nInjected: 1' } }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PERF_HTTP_REQUEST_INVALID', kind: 'UND_ERR_INVALID_ARG' })
    })

    it('a closed client: PERF_HTTP_CLIENT_CLOSED', async () => {
      const api = http.client(url, { transport })
      await api.close()
      await expect(api.get('/')).rejects.toMatchObject({ code: 'PERF_HTTP_CLIENT_CLOSED' })
    })
  })

  describe('stopping', () => {
    it('requests in flight at the hard stop are aborted, so close() does not wait for them', async () => {
      const codes: string[] = []
      const api = http.client(slow.url, { timeout: '10s', transport })
      const result = await runLoad(
        { executor: 'constant-vus', vus: 2, duration: '50ms', gracefulStop: '50ms' },
        async (ctx) => {
          await api.get('/', ctx).catch((e: { code: string }) => {
            codes.push(e.code)
            throw e
          })
        },
        { attach: false },
      )
      expect(result.interrupted).toBe(2)
      const t0 = performance.now()
      await api.close()
      expect(performance.now() - t0).toBeLessThan(200)
      expect(codes).toEqual(['PERF_HTTP_ABORTED', 'PERF_HTTP_ABORTED'])
    })
  })
})
