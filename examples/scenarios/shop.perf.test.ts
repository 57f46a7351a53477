import { createServer } from 'node:http'
import { afterAll, beforeAll, expect } from 'vitest'
import { durationScale, expectPerformance, http, perfTest, type HttpClient, type IterationContext } from 'vitest-perf'
import { listenOnLoopback, type LoopbackService } from '../shared/loopback.ts'
import { atLeast } from '../shared/real-time.ts'

// A shop to load: product pages are fast, orders slower, the admin report slowest.
const DELAY_MS: Record<string, number> = { '/products': 2, '/orders': 10, '/admin/report': 20 }
const server = createServer((req, res) => setTimeout(() => res.end('{"ok":true}'), DELAY_MS[req.url ?? ''] ?? 1))
let shop: LoopbackService
let api: HttpClient

beforeAll(async () => {
  shop = await listenOnLoopback(server)
  api = http.client(shop.url, { connections: 64 })
})

afterAll(async () => {
  await api.close()
  await shop.close()
})

// Written at full length; the demo runs 1/20 of it (3 s, the admin ramp from 1.5 s), and no scale
// runs it shorter than that: the admin ramp must start in a later whole second than the run.
const LENGTH = atLeast(60_000, 3_000)
const ADMIN_START = LENGTH / 2

perfTest('shop traffic: browsing, checkouts and an admin ramp half-way, all at once', async ({ run }) => {
  const result = await run(
    {
      scenarios: {
        browse: { executor: 'constant-arrival-rate', rate: 100, duration: LENGTH, maxVUs: 50 },
        checkout: { executor: 'constant-arrival-rate', rate: 10, duration: LENGTH, maxVUs: 20 },
        admin: {
          executor: 'ramping-vus',
          startTime: ADMIN_START,
          stages: [
            { duration: LENGTH / 4, target: 3 },
            { duration: LENGTH / 4, target: 3 },
          ],
        },
      },
      thresholds: {
        'errors{scenario:checkout}': ['rate<0.01'],
        'latency{scenario:checkout}': ['p(95)<1s'],
        errors: ['rate<0.05'],
      },
    },
    {
      browse: (ctx: IterationContext) => api.get('/products', ctx),
      checkout: (ctx: IterationContext) => api.post('/orders', ctx, { json: { items: 3 } }),
      admin: (ctx: IterationContext) => api.get('/admin/report', ctx),
    },
  )
  const { browse, checkout, admin } = result.scenarios!
  // Every planned arrival was started or dropped: the counts do not depend on the machine's speed.
  expect(browse.iterations + browse.dropped).toBe(Math.round((100 * LENGTH * durationScale()) / 1000))
  expect(checkout.iterations + checkout.dropped).toBe(Math.round((10 * LENGTH * durationScale()) / 1000))
  // The admin scenario started half-way: its first second is not the run's first.
  expect(admin.startTime).toBeCloseTo(ADMIN_START * durationScale())
  expect(admin.timeline[0].t).toBeGreaterThan(0)
  expectPerformance(result).toMeet({ 'http_reqs{scenario:admin}': ['count>0'], 'errors{scenario:browse}': ['rate<0.05'] })
})
