import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { findCapacity } from '../../src/analysis/capacity.ts'

// A server with a known capacity: 4 requests at a time, 10 ms each → 400 requests/s. Beyond it
// requests queue and latency grows without bound.
const SLOTS = 4
let server: Server
let pool: Pool

beforeAll(async () => {
  let busy = 0
  const waiting: (() => void)[] = []
  server = createServer((_req, res) => {
    const serve = () => {
      busy++
      setTimeout(() => {
        busy--
        res.end('ok')
        waiting.shift()?.()
      }, 10)
    }
    if (busy < SLOTS) serve()
    else waiting.push(serve)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 256 })
})

afterAll(async () => {
  await pool.close()
  server.closeAllConnections()
  server.close()
})

it('finds the capacity of a 4-slot, 10 ms server (~400/s) within 10 %', async () => {
  const found = await findCapacity(
    { slo: { latency: ['p(95)<100ms'], errors: ['rate<0.01'] }, start: 50, max: 2000, stepDuration: '3s', precision: 0.04 },
    async () => {
      const res = await pool.request({ path: '/', method: 'GET' })
      await res.body.text()
    },
  )
  if (process.env.SHOW_CAPACITY)
    console.log(
      JSON.stringify({
        capacity: found.capacity,
        firstFailing: found.firstFailing,
        steps: found.steps.map((s) => [Math.round(s.rate), s.pass, s.p95]),
      }),
    )
  // Timers add ~1 ms per request here, so the true limit is a little under 400/s.
  expect(found.capacity).toBeGreaterThan(340)
  expect(found.capacity).toBeLessThan(440)
  expect(found.firstFailing?.reasons.join(' ')).toMatch(/latency p\(95\)<100ms \(actual \d+/)
  expect(found.steps.length).toBeLessThanOrEqual(14)
  expect(found.steps[0]).toMatchObject({ rate: 50, pass: true })
  expect(found.result.timeline.length).toBeGreaterThanOrEqual(found.steps.length * 3)
}, 120_000)
