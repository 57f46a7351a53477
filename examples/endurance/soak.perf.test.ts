import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterAll, beforeAll } from 'vitest'
import { durationScale, expectPerformance, perfTest } from 'vitest-perf'
import { atLeast } from '../shared/real-time.ts'

// A soak: 2 minutes as written. VITEST_PERF_DURATION_SCALE stretches it without code changes:
// 720 makes it 24 hours. Never under 30 s of real time, though (the demo's 0.05 would make it 6 s):
// drift is judged between the halves of the run, and with 3 seconds a half one neighbour's burst
// decided it (p95 3.6 → 23.7 ms in a demo run on a busy 2-core machine).
const SOAK_MS = atLeast(120_000, 30_000)
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
  const result = await run({ executor: 'constant-arrival-rate', rate: 200, duration: SOAK_MS, maxVUs: 32 }, async (ctx) => {
    const res = await pool.request({ path: `/${ctx.iteration}`, method: 'GET' })
    await res.body.text()
  })
  // What a soak asks: no errors, no leak, no drift. No latency bound: over a short run on a shared
  // machine the tail is whatever the neighbours did in those seconds.
  expectPerformance(result).toMeet({ errors: ['rate<0.001'] })
  expectPerformance(result).toHaveNoLeak({ heap: '< 5MB/min', handles: '< 30/min' })
  // Drift: the second half of the run against the first, each half's p95 the median of its
  // seconds' p95s. Not single seconds (the default window is a tenth of the run): on a shared
  // machine a neighbour's burst made one second's p95 26× another's. Under 10 minutes of real time
  // it is asked only not to collapse: a ~2 ms p95 doubled between the 15 s halves of a demo run
  // on our shared 2-core VMs (2.26 → 4.63 ms, nothing else running: the VM itself slowed down for
  // a while), which is the machine, not the cache. From 10 minutes on, under 100 %.
  const long = SOAK_MS * durationScale() >= 600_000
  expectPerformance(result).toStayStable({ degradation: long ? '< 100%' : '< 300%', window: 0.5 })
})
