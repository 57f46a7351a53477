import { Pool } from 'undici'
import { afterAll, beforeAll, expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.ts'

let target: HttpTarget
let pool: Pool

beforeAll(async () => {
  target = await startHttpTarget(20)
  pool = new Pool(target.url, { connections: 64 })
})

afterAll(async () => {
  await pool.close()
  await target.close()
})

perfTest('constant-arrival-rate 200/s for 5s against a 20 ms server', async ({ run }) => {
  const result = await run({ executor: 'constant-arrival-rate', rate: 200, duration: '5s', preAllocatedVUs: 20, maxVUs: 64 }, async () => {
    const res = await pool.request({ path: '/', method: 'GET' })
    await res.body.text()
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`)
  })
  const expected = 200
  // Achieved rate: iterations over the planned 5 s, within 2 %.
  const achieved = result.iterations / 5
  expect(Math.abs(achieved - expected) / expected).toBeLessThan(0.02)
  expect(result.dropped).toBe(0)
  expect(result.failed).toBe(0)
  expect(target.served()).toBe(result.iterations)
  expect(result.latency.p50).toBeGreaterThanOrEqual(20)
  expect(result.latency.p50).toBeLessThanOrEqual(25)
  expect(result.timeline.length).toBeGreaterThanOrEqual(5)
  expectPerformance(result).toMeet({ latency: ['p(50)<25ms', 'p(50)>=20ms'], errors: ['rate<0.01'] })
})
