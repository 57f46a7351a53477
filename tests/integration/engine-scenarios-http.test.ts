import { afterAll, beforeAll, expect } from 'vitest'
import { http, perfTest, type HttpClient } from 'vitest-perf'
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.ts'

let target: HttpTarget
let api: HttpClient

beforeAll(async () => {
  target = await startHttpTarget(10)
  api = http.client(target.url)
})

afterAll(async () => {
  await api.close()
  await target.close()
})

perfTest('browse, checkout and a late admin ramp against one loopback server', async ({ run }) => {
  const get = (path: string) => async (ctx: Parameters<HttpClient['get']>[1]) => {
    await api.get(path, ctx)
  }
  const result = await run(
    {
      scenarios: {
        browse: { executor: 'constant-arrival-rate', rate: 100, duration: '3s', maxVUs: 50 },
        checkout: { executor: 'constant-arrival-rate', rate: 10, duration: '3s', maxVUs: 10 },
        admin: { executor: 'ramping-vus', startTime: '1s', stages: [{ duration: '2s', target: 2 }] },
      },
      thresholds: {
        'errors{scenario:checkout}': ['rate==0'],
        'latency{scenario:browse}': ['p(50)>=10ms'],
        'http_req_duration{scenario:admin}': ['count>0'],
      },
    },
    { browse: get('/browse'), checkout: get('/checkout'), admin: get('/admin') },
  )
  const { browse, checkout, admin } = result.scenarios!
  // Every planned arrival is started or dropped, whatever the machine's load.
  expect(browse.iterations + browse.dropped).toBe(300)
  expect(checkout.iterations + checkout.dropped).toBe(30)
  expect(target.served()).toBe(result.iterations)
  expect(result.failed).toBe(0)
  // Each scenario's requests are its own, by endpoint.
  expect(browse.metrics.http_reqs).toMatchObject({ count: browse.iterations })
  expect(browse.metrics['http_req_duration{endpoint:/browse}']).toMatchObject({ type: 'trend' })
  expect(Object.keys(admin.metrics).filter((k) => k.startsWith('http_req_duration{'))).toEqual(['http_req_duration{endpoint:/admin}'])
  expect(result.metrics.http_reqs).toMatchObject({ count: result.iterations })
  expect(admin.timeline[0].t).toBeGreaterThanOrEqual(1)
  expect(result.timeline[0].iterations).toBe(browse.timeline[0].iterations + checkout.timeline[0].iterations)
})
