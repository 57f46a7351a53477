import { afterAll, beforeAll, expect } from 'vitest'
import { http, perfTest, runAB, runLoad, type HttpClient, type Workflow } from 'vitest-perf'
import { startKvService, type KvService } from './kv-service.ts'
import { VALUE_SIZE, key, spread } from './workload.ts'

// Comparison with a baseline (`analyze_results.py --compare-with <baseline run>`): the known-good
// build is the reference, the change under test the candidate, both measured in this run under
// the same load, repetitions alternating so machine drift falls on both alike. The candidate here
// lost its in-memory reads and waits 5 ms for a slower store on every GET: the verdict must say
// REGRESSION. (toMatchBaseline() would compare with a committed file instead; see README.md.)
const KEYS = 1000

let good: KvService
let slow: KvService
let goodApi: HttpClient
let slowApi: HttpClient

beforeAll(async () => {
  ;[good, slow] = await Promise.all([startKvService(), startKvService({ readDelayMs: 5 })])
  goodApi = http.client(good.url, { connections: 20 })
  slowApi = http.client(slow.url, { connections: 20 })
  for (const api of [goodApi, slowApi]) {
    const put = api.template({ method: 'PUT', path: '/kv/{key}', body: Buffer.alloc(VALUE_SIZE, 'v') })
    for (let i = 0; i < KEYS; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => put(undefined, { key: key(i + j) })))
  }
})

afterAll(async () => {
  await Promise.all([goodApi.close(), slowApi.close()])
  await Promise.all([good.close(), slow.close()])
})

const reads = (api: HttpClient): Workflow => {
  const get = api.template({ method: 'GET', path: '/kv/{key}', check: { status: 200 }, throwOnCheck: true })
  return async (ctx) => {
    await get(ctx, { key: key(spread(ctx.iteration, KEYS)) })
  }
}

perfTest('comparison with a baseline: a build that lost its in-memory reads is a REGRESSION', async () => {
  // A closed model, 4 clients reading in a loop: a stall of the machine holds up 4 requests instead
  // of queueing every arrival it delays, so the medians compared are the service's own.
  const config = { executor: 'constant-vus', vus: 4, duration: '10s', name: 'GET /kv/:key, 4 clients' } as const
  const workflows = { reference: reads(goodApi), candidate: reads(slowApi) }
  // Warm-up, not reported: connections opened and hot paths compiled before anything is compared.
  for (const workflow of Object.values(workflows))
    await runLoad({ executor: 'shared-iterations', vus: 4, iterations: 400 }, workflow, { attach: false })
  // 6 repetitions a side: with 5, a single tie among one side's medians (HDR percentiles keep 3
  // significant digits) sends the rank test to its normal approximation, whose p for even a
  // complete separation is 0.012, above alpha 0.01.
  const ab = await runAB(config, workflows, { repeat: 6 })
  const byMetric = Object.fromEntries(ab.comparison.metrics.map((m) => [m.metric, m]))
  expect(ab.comparison.verdict, JSON.stringify(ab.comparison.metrics)).toBe('REGRESSION')
  // The median request got slower by far more than noise: 5 ms on top of a sub-millisecond read.
  // (Throughput fell too, but is not asserted: the reference's, a closed loop on a sub-millisecond
  // read, is whatever CPU the machine's neighbours leave it, 4× apart between repetitions.)
  expect(byMetric['latency.p50'].verdict).toBe('REGRESSION')
  expect(byMetric['latency.p50'].change).toBeGreaterThan(0.5)
  // Slower, not broken: both sides served every request.
  expect(ab.reference.errors.count + ab.candidate.errors.count).toBe(0)
})
