import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectPerformance, runLoad } from 'vitest-perf'
import { http, type HttpClient } from '../../src/http/index.ts'
import type { CustomMetricResult } from '../../src/core/result.ts'
import type { IterationContext } from '../../src/engine/context.ts'

let server: Server
let url: string
let connections = 0
const seenIds = new Set<string>()
const ORDER = JSON.stringify({ id: 'x'.repeat(90) })

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, route, arg] = (req.url ?? '/').split('/')
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      if (route === 'health') return res.end('ok')
      if (route === 'orders' && req.method === 'POST')
        return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body.length }))
      if (route === 'orders') {
        seenIds.add(arg)
        return res.writeHead(200, { 'content-type': 'application/json' }).end(ORDER)
      }
      if (route === 'status') return res.writeHead(Number(arg)).end(`status ${arg}`)
      res.writeHead(404).end()
    })
  })
  server.on('connection', () => connections++)
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function metric<T extends CustomMetricResult['type']>(
  m: Record<string, CustomMetricResult>,
  key: string,
  type: T,
): Extract<CustomMetricResult, { type: T }> {
  const found = m[key]
  expect(found, `metric ${key}; have ${Object.keys(m).join(', ')}`).toBeDefined()
  expect(found.type).toBe(type)
  return found as Extract<CustomMetricResult, { type: T }>
}

// Both transports give the same metrics and responses: undici, and our own wire client.
describe.each(['undici', 'wire'] as const)('transport %s', (transport) => {
  // Each transport counts the server's connections and the ids it saw from zero.
  beforeAll(() => {
    seenIds.clear()
    connections = 0
  })

  describe('http client metrics in a run', () => {
    let api: HttpClient
    beforeAll(() => {
      api = http.client(url, { connections: 10, timeout: '5s', transport })
    })
    afterAll(() => api.close())

    it('tags latency per endpoint, counts sizes and checks, with µs resolution', async () => {
      const getOrder = api.template({ path: '/orders/{id}', check: { status: 200, body: '"id"' } })
      const order = { item: 'book', qty: 1 }
      const result = await runLoad(
        {
          executor: 'shared-iterations',
          vus: 10,
          iterations: 200,
          thresholds: { 'http_req_duration{endpoint:/health}': ['p(99)<500ms'], checks: ['rate==1'] },
        },
        async (ctx) => {
          const health = await api.get('/health', ctx, { check: { status: 200, body: 'ok' } })
          expect(health.ok).toBe(true)
          await getOrder(ctx, { id: ctx.iteration })
          const created = await api.post('/orders', ctx, { json: order, readBody: true })
          expect(created.json()).toEqual({ got: JSON.stringify(order).length })
        },
        { attach: false },
      )
      expect(result.failed).toBe(0)
      expect(result.thresholds.every((t) => t.ok)).toBe(true)
      const m = result.metrics
      expect(metric(m, 'http_reqs', 'counter').count).toBe(600)
      expect(metric(m, 'http_req_duration', 'trend').summary.count).toBe(600)
      for (const endpoint of ['/health', '/orders/:id', '/orders']) {
        expect(metric(m, `http_req_duration{endpoint:${endpoint}}`, 'trend').summary.count).toBe(200)
      }
      const d = metric(m, 'http_req_duration{endpoint:/health}', 'trend').summary
      expect(d.max).toBeLessThan(500)
      // Microsecond resolution: the summary carries fractions of a millisecond.
      expect([d.min, d.p50, d.p90, d.max].some((v) => !Number.isInteger(v))).toBe(true)
      expect(metric(m, 'http_res_size', 'counter').count).toBe(200 * ('ok'.length + ORDER.length + JSON.stringify({ got: 23 }).length))
      expect(metric(m, 'http_req_size', 'counter').count).toBe(200 * JSON.stringify(order).length)
      expect(metric(m, 'checks{check:status}', 'rate')).toMatchObject({ trues: 400, total: 400 })
      expect(metric(m, 'checks{check:body}', 'rate')).toMatchObject({ trues: 400, total: 400 })
      expect(metric(m, 'http_req_failed', 'rate')).toMatchObject({ trues: 0, total: 600 })
      expect(seenIds.size).toBe(200)
      expect(connections).toBeLessThanOrEqual(10)
      expectPerformance(result).toMeet({ 'http_req_duration{endpoint:/orders/:id}': ['p(95)<500ms'], 'checks{check:status}': ['rate==1'] })
    })

    it('a failed check is counted, not thrown: the iteration goes on', async () => {
      const result = await runLoad(
        { executor: 'shared-iterations', vus: 4, iterations: 40 },
        async (ctx) => {
          const res = await api.get(`/status/${ctx.iteration % 2 === 0 ? 200 : 503}`, ctx, {
            tag: '/status',
            check: { status: 200, named: { 'says status': (r) => r.text().startsWith('status') } },
          })
          ctx.counter('after_request')
          expect(res.ok).toBe(res.status === 200)
          expect(res.failedChecks).toEqual(res.status === 200 ? [] : ['status'])
        },
        { attach: false },
      )
      expect(result.failed).toBe(0)
      expect(metric(result.metrics, 'after_request', 'counter').count).toBe(40)
      expect(metric(result.metrics, 'checks{check:status}', 'rate')).toMatchObject({ trues: 20, total: 40 })
      expect(metric(result.metrics, 'checks{check:says status}', 'rate')).toMatchObject({ trues: 40, total: 40 })
      expect(metric(result.metrics, 'checks', 'rate')).toMatchObject({ trues: 60, total: 80 })
      expect(metric(result.metrics, 'http_req_failed', 'rate')).toMatchObject({ trues: 20, total: 40 })
      expect(metric(result.metrics, 'http_req_duration{endpoint:/status}', 'trend').summary.count).toBe(40)
    })

    it('throwOnCheck fails the iteration with PERF_HTTP_CHECK_FAILED', async () => {
      const strict = api.template({ path: '/status/{code}', check: { status: 200 }, throwOnCheck: true })
      const result = await runLoad(
        { executor: 'shared-iterations', vus: 2, iterations: 10 },
        (ctx) => strict(ctx, { code: ctx.iteration < 4 ? 500 : 200 }),
        { attach: false },
      )
      expect(result.failed).toBe(4)
      expect(result.errors.byKind.PERF_HTTP_CHECK_FAILED.count).toBe(4)
      expect(result.errors.byKind.PERF_HTTP_CHECK_FAILED.message).toMatch(
        /GET http:\/\/127\.0\.0\.1:\d+\/status\/\d+: check "status" failed \(status 500\)/,
      )
    })
  })

  describe('where the samples go', () => {
    it('one template sent by two scenarios and in a second run records into each its own', async () => {
      await using api = http.client(url, { connections: 4, transport })
      const health = api.template({ path: '/health', check: { status: 200 } })
      const send = async (ctx: IterationContext) => {
        await health(ctx)
      }
      const both = await runLoad(
        {
          scenarios: {
            a: { executor: 'shared-iterations', vus: 2, iterations: 30 },
            b: { executor: 'shared-iterations', vus: 2, iterations: 20 },
          },
        },
        { a: send, b: send },
        { attach: false },
      )
      const { a, b } = both.scenarios!
      expect(metric(a.metrics, 'http_reqs', 'counter').count).toBe(30)
      expect(metric(b.metrics, 'http_reqs', 'counter').count).toBe(20)
      expect(metric(b.metrics, 'http_req_duration{endpoint:/health}', 'trend').summary.count).toBe(20)
      expect(metric(b.metrics, 'checks{check:status}', 'rate')).toMatchObject({ trues: 20, total: 20 })
      expect(metric(both.metrics, 'http_reqs', 'counter').count).toBe(50)
      expect(metric(both.metrics, 'http_req_duration{endpoint:/health}', 'trend').summary.count).toBe(50)
      expect(metric(both.metrics, 'http_res_size', 'counter').count).toBe(50 * 'ok'.length)
      const again = await runLoad({ executor: 'shared-iterations', vus: 2, iterations: 7 }, send, { attach: false })
      expect(metric(again.metrics, 'http_reqs', 'counter').count).toBe(7)
      expect(metric(again.metrics, 'http_req_failed', 'rate')).toMatchObject({ trues: 0, total: 7 })
    })

    it("a context of one's own gets the same samples through its methods", async () => {
      await using api = http.client(url, { transport })
      const calls: unknown[][] = []
      const record =
        (kind: string) =>
        (...args: unknown[]) =>
          void calls.push([kind, ...args])
      const ctx = {
        vu: 1,
        iteration: 0,
        vuIteration: 0,
        signal: new AbortController().signal,
        scenario: undefined,
        time: <T>(_step: string, fn: () => T | Promise<T>) => Promise.resolve(fn()),
        counter: record('counter'),
        rate: record('rate'),
        trend: record('trend'),
        gauge: record('gauge'),
      } satisfies IterationContext
      await api.post('/orders', ctx, { body: 'abc', check: { status: 201 } })
      await api.get('/status/404', ctx, { tag: '/status' })
      expect(calls.map(([kind, name, , tags]) => [kind, name, tags])).toEqual([
        ['trend', 'http_req_duration', { endpoint: '/orders' }],
        ['counter', 'http_reqs', undefined],
        ['rate', 'http_req_failed', undefined],
        ['counter', 'http_req_size', undefined],
        ['counter', 'http_res_size', undefined],
        ['rate', 'checks', { check: 'status' }],
        ['trend', 'http_req_duration', { endpoint: '/status' }],
        ['counter', 'http_reqs', undefined],
        ['rate', 'http_req_failed', undefined],
        ['counter', 'http_req_size', undefined],
        ['counter', 'http_res_size', undefined],
      ])
      expect(calls.map((c) => c[2]).slice(1, 5)).toEqual([undefined, false, 3, JSON.stringify({ got: 3 }).length])
      expect(calls[8][2]).toBe(true)
    })
  })

  describe('responses and connections', () => {
    it('keeps the body only when asked, and says how to get it', async () => {
      await using api = http.client(url, { transport })
      const kept = await api.get('/orders/1', undefined, { readBody: true })
      expect(kept.json()).toEqual(JSON.parse(ORDER))
      expect(kept.headers['content-type']).toBe('application/json')
      expect(kept.size).toBe(ORDER.length)
      const dropped = await api.get('/orders/1')
      expect(dropped.size).toBe(ORDER.length)
      expect(() => dropped.text()).toThrow(
        expect.objectContaining({ code: 'PERF_HTTP_BODY_NOT_READ', message: expect.stringContaining('readBody: true') }),
      )
    })

    it('keeps connections alive and pipelines when asked', async () => {
      const before = connections
      await using api = http.client(url, { connections: 1, pipelining: 8, transport })
      await Promise.all(Array.from({ length: 64 }, (_, i) => api.get(`/orders/p${i}`, undefined, { tag: '/orders/:id' })))
      expect(connections - before).toBe(1)
    })

    it('refuses a raw id per endpoint tag beyond the cardinality limit, pointing to templates', async () => {
      await using api = http.client(url, { connections: 10, transport })
      const ids = Array.from({ length: 501 }, (_, i) => i)
      const errors = await Promise.allSettled(ids.map((i) => api.get(`/orders/${i}`)))
      const rejected = errors.filter((e) => e.status === 'rejected')
      expect(rejected).toHaveLength(1)
      expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'PERF_HTTP_TOO_MANY_ENDPOINTS',
        message: expect.stringContaining("'/orders/{id}'"),
      })
    })
  })
})
