import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterAll, beforeAll } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'

// A soak: 2 minutes as written. VITEST_PERF_DURATION_SCALE stretches it without code changes:
// 720 makes it 24 hours; the demo sets 0.05 (6 s).
const cache = new Map<number, string>()
const server = createServer((req, res) => {
  const id = Number(req.url?.slice(1)) % 1000
  if (!cache.has(id)) cache.set(id, 'x'.repeat(256))
  res.end(cache.get(id))
})
let pool: Pool

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 16 })
})

afterAll(async () => {
  await pool.close()
  server.closeAllConnections()
  server.close()
})

perfTest('cache service stays stable and leak-free for 2 minutes', async ({ run }) => {
  const result = await run({ executor: 'constant-arrival-rate', rate: 200, duration: '2m', maxVUs: 32 }, async (ctx) => {
    const res = await pool.request({ path: `/${ctx.iteration}`, method: 'GET' })
    await res.body.text()
  })
  expectPerformance(result).toMeet({ errors: ['rate<0.001'], latency: ['p(99)<100ms'] })
  expectPerformance(result).toHaveNoLeak({ heap: '< 5MB/min', handles: '< 30/min' })
  expectPerformance(result).toStayStable({ degradation: '< 50%' })
})
