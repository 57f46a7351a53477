import { Pool } from 'undici'
import { afterAll, beforeAll, expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.ts'

let target: HttpTarget
let pool: Pool

beforeAll(async () => {
  target = await startHttpTarget(1)
  pool = new Pool(target.url, { connections: 4 })
})

afterAll(async () => {
  await pool.close()
  await target.close()
})

// One 500 ms stall with two VUs and a queued overload: the iterations planned during the stall
// start late. Latency from the planned start must show it; service time must not.
perfTest('a 500 ms stall shows in latency p99 but not in service time p99', async ({ run }) => {
  setTimeout(() => target.stall(500), 2000)
  const result = await run(
    { executor: 'constant-arrival-rate', rate: 100, duration: '5s', preAllocatedVUs: 2, maxVUs: 2, overload: 'queue' },
    async () => {
      const res = await pool.request({ path: '/', method: 'GET' })
      await res.body.text()
    },
  )
  expect(result.dropped).toBe(0)
  expect(result.iterations).toBe(500)
  expect(result.latency.p99).toBeGreaterThan(300)
  expect(result.latency.max).toBeGreaterThan(450)
  expect(result.serviceTime.p99).toBeLessThan(50)
  expect(result.serviceTime.max).toBeGreaterThan(450)
  // Both are reported: the summary and the encoded histograms.
  expect(result.histograms.latency).not.toBe(result.histograms.serviceTime)
  const stalled = result.timeline.find((p) => p.p99 > 300)
  expect(stalled, 'the timeline shows the second of the stall').toBeDefined()
})

perfTest('with the default overload policy the same stall drops iterations instead', async ({ run }) => {
  setTimeout(() => target.stall(500), 1000)
  const result = await run({ executor: 'constant-arrival-rate', rate: 100, duration: '3s', preAllocatedVUs: 2, maxVUs: 2 }, async () => {
    const res = await pool.request({ path: '/', method: 'GET' })
    await res.body.text()
  })
  expect(result.dropped).toBeGreaterThan(30)
  expect(result.iterations + result.dropped).toBe(300)
})
