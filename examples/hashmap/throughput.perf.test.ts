import { afterAll, beforeAll, expect } from 'vitest'
import { expectPerformance, http, perfTest, type HttpClient, type RequestTemplate } from 'vitest-perf'
import { startKvService, type KvService } from './kv-service.ts'
import { KEY_SPACE, VALUE_SIZE, key, spread, value } from './workload.ts'

// Throughput test: `run_load_test.sh --test-type throughput --duration 300 --threads 20 --rps 5000`
// with 80 % reads and 20 % writes over a preloaded key space. Open model: requests arrive at the
// configured rate whatever the service does, so a slow service shows as latency and drops.
// The scenario's 5000/s aims at a cluster; here the load generator and the service share one Node
// thread, which tops out near 5000 requests/s on an idle 2-core machine but at a few hundred when
// busy neighbours leave it a sliver of a core, so the example asks for 200/s. Written at 2 minutes
// (the demo's 1/20 is 6 s); the scenario's 300 s is VITEST_PERF_DURATION_SCALE=2.5.
const RATE = 200
const READ_SHARE = 0.8

let kv: KvService
let api: HttpClient
let read: RequestTemplate
let write: RequestTemplate

beforeAll(async () => {
  kv = await startKvService()
  api = http.client(kv.url, { connections: 20, timeout: '5s' })
  read = api.template({ method: 'GET', path: '/kv/{key}', tag: 'GET /kv/:key', check: { status: 200 } })
  write = api.template({ method: 'PUT', path: '/kv/{key}', tag: 'PUT /kv/:key', body: value, check: { status: [200, 201] } })
  // Preload every key, so reads find what they ask for. Without ctx nothing is recorded.
  for (let i = 0; i < KEY_SPACE; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => write(undefined, { key: key(i + j) })))
})

afterAll(async () => {
  await api.close()
  await kv.close()
})

perfTest('throughput: 200 requests/s, 80 % reads, 16 B keys, 256 B values', async ({ run }) => {
  const result = await run(
    { executor: 'constant-arrival-rate', rate: RATE, duration: '2m', preAllocatedVUs: 20, maxVUs: 400 },
    async (ctx) => {
      const k = key(spread(ctx.iteration))
      // Deterministic mix: iterations 0-3 of every 5 read, the 5th writes.
      if (ctx.iteration % 5 < READ_SHARE * 5) {
        const res = await read(ctx, { key: k })
        ctx.rate('value_intact', res.size === VALUE_SIZE)
      } else {
        await write(ctx, { key: k })
      }
    },
  )
  // Latency bounds a shared CI machine can hold: a sub-millisecond request that waits for the CPU
  // behind busy neighbours takes 100s of ms there; one that queued behind a stalled service, seconds.
  expectPerformance(result).toMeet({
    'http_req_duration{endpoint:GET /kv/:key}': ['p(95)<500ms', 'p(99)<1s'],
    'http_req_duration{endpoint:PUT /kv/:key}': ['p(95)<500ms', 'p(99)<1s'],
    http_req_failed: ['rate<0.1%'],
    checks: ['rate>99.9%'],
    value_intact: ['rate==100%'],
    errors: ['rate<0.1%'],
    // Keeping up with the rate: a service that stalls leaves arrivals without a free VU (400 VUs
    // ride out a two-second stall of the machine; 2 % of the arrivals may still be dropped), and
    // the requests it answers late stretch the run (throughput is requests over the whole run,
    // the last answers included: a one-second stall at the end of the demo's 6 s costs 14 %).
    dropped: [`rate<${RATE * 0.02}/s`],
    throughput: [`avg>${RATE * 0.8}`],
  })
  const reads = result.metrics['http_req_duration{endpoint:GET /kv/:key}']
  const writes = result.metrics['http_req_duration{endpoint:PUT /kv/:key}']
  const count = (m: typeof reads) => (m?.type === 'trend' ? m.summary.count : 0)
  expect(count(reads) / (count(reads) + count(writes))).toBeCloseTo(READ_SHARE, 2)
})
