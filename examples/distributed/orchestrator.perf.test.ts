import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'
import { driverKeyFile, startDrivers, stopDrivers, type Driver } from './drivers.ts'
import { startTarget, type Target } from './target.ts'

// The distributed scenario: an orchestrator (this test), driver nodes (`vitest-perf driver`
// processes; here three on this machine), a message bus (Redis instead of Kafka: registration,
// configuration, a start barrier, heartbeats and metrics go through its streams) and a target
// with /ping and /metrics. Redis comes from the provider chain (URL, Testcontainers, a local
// redis-server); without any, the test is skipped with the reason (failed under CI).
//
// What the tests ask is what distribution must get right, in counts: every request sent, paced
// or dropped as the load type says, and the orchestrator, the drivers and the target agreeing on
// how many. No latency bound: five processes share the machine here, and a ping's latency is
// how long they waited for a core.
const DRIVERS = 3
// Drivers load the module by its path relative to the project root (Vitest's root: this examples
// folder), so they run there, as they would in a checkout of the project on another machine.
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
const LOAD = new URL('./ping-load.ts', import.meta.url)
let target: Target
let drivers: Driver[] = []
const prefix = `orchestrator-${process.pid}`
// The coordinator API wants this bearer token (without one it makes a random one and prints it).
const API_TOKEN = `example-${Math.random().toString(36).slice(2)}-token`

beforeAll(async () => {
  target = await startTarget()
})

afterAll(async () => {
  await stopDrivers(drivers)
  await target?.close()
})

perfTest('tsunami: every driver keeps a fixed delay between its requests', { timeout: 120_000 }, async ({ redis, run }) => {
  drivers = await startDrivers(DRIVERS, redis.url, prefix, [], { cwd: PROJECT_ROOT })
  const before = target.counts().responses
  const result = await run(
    // One VU per driver, 20 ms after each response: about 45 requests/s per driver.
    {
      executor: 'fixed-interval',
      vus: DRIVERS,
      interval: '20ms',
      duration: '1m',
      distributed: { redis: redis.url, drivers: DRIVERS, prefix, keyFile: driverKeyFile() },
      thresholds: { checks: ['rate>0.99'], errors: ['rate<0.01'] },
    },
    { module: LOAD, data: { url: target.url } },
  )
  const shards = result.shards ?? []
  expect(shards).toHaveLength(DRIVERS)
  // The orchestrator's total is the drivers' sum, and the target's /metrics agrees.
  expect(result.iterations).toBe(shards.reduce((n, s) => n + s.iterations, 0))
  expect(target.counts().responses - before).toBe(result.iterations)
  // Each driver paced itself: no more than one request per 20 ms.
  for (const s of shards) expect(s.iterations).toBeLessThanOrEqual(Math.ceil(result.durationMs / 20) + 1)
})

perfTest(
  'avalanche: as fast as ready at a target throughput per driver, watched through the coordinator API',
  { timeout: 120_000 },
  async ({ redis, run }) => {
    if (drivers.length === 0) drivers = await startDrivers(DRIVERS, redis.url, prefix, [], { cwd: PROJECT_ROOT })
    const perDriver = 100
    const before = target.counts().responses
    const port = await freePort()
    // What an operator sees: GET /runs on the orchestrator while the load runs.
    let live: { runs: { state: string; iterations: number; shards: { id: string; iterations: number }[] }[] } | undefined
    const watcher = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/runs`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
        .then((r) => r.json())
        .then(
          (body) => (live = body.runs.some((r: { state: string }) => r.state === 'running') ? body : live),
          () => {},
        )
    }, 250)
    const result = await run(
      {
        executor: 'constant-arrival-rate',
        rate: perDriver * DRIVERS,
        duration: '1m',
        // 100 VUs a driver: a driver drops a request only when its last 100 are all unanswered,
        // a second's worth at 100/s.
        maxVUs: 300,
        distributed: { redis: redis.url, drivers: DRIVERS, prefix, keyFile: driverKeyFile(), api: { port, token: API_TOKEN } },
        thresholds: { checks: ['rate>0.99'], errors: ['rate<0.01'] },
      },
      { module: LOAD, data: { url: target.url } },
    ).finally(() => clearInterval(watcher))
    const shards = result.shards ?? []
    // Each driver was given exactly its throughput: every planned request was sent or, when all
    // its VUs were busy, counted as dropped.
    const seconds = (result.config as { duration: number }).duration / 1000
    for (const s of shards) expect(s.iterations + s.dropped).toBe(perDriver * seconds)
    expect(target.counts().responses - before).toBe(result.iterations)
    expect(live?.runs[0].shards).toHaveLength(DRIVERS)
    expect(live?.runs[0].iterations).toBeGreaterThan(0)
    expectPerformance(result).toMeet({ dropped: ['count<' + Math.ceil(perDriver * DRIVERS * seconds * 0.05)] })
  },
)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
