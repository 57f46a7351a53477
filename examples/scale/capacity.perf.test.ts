import { afterAll, beforeAll, expect } from 'vitest'
import { findCapacity, http, perfTest, runLoad, type HttpClient } from 'vitest-perf'
import { startReplicatedStore, type ReplicatedStore } from './replicated-store.ts'
import { mixedPutGet } from './workload.ts'

// Capacity planning (walkthrough step 9): the highest arrival rate one store instance serves
// within the SLO, found by doubling the rate until the SLO breaks and bisecting to the knee;
// then how many instances an expected production load needs, with headroom. Where the knee lies
// depends on the machine (~480/s on our 2-core machine, ~240/s with busy neighbours on both
// cores), so the search starts low enough for any machine to hold its first step, and each step
// lasts 60 s as written (3 s in the demo): a one-second step's p95 is one stall of the machine.
const SLO = { latency: ['p(95)<500ms'], errors: ['rate<1%'] }
const START = 50 // requests per second, the first step
const EXPECTED_LOAD = 5_000 // requests per second in production
const HEADROOM = 0.8 // run instances at 80 % of their capacity at most
const FLEET_BUDGET = 125 // instances we can afford: the expected load must fit

let store: ReplicatedStore
let api: HttpClient

beforeAll(async () => {
  store = await startReplicatedStore()
  api = http.client(store.url, { timeout: '10s' })
  // Warm-up, not reported: the first step must not pay for connections and compilation.
  await runLoad({ executor: 'shared-iterations', vus: 10, iterations: 2000 }, mixedPutGet(api, 1024), { attach: false })
})

afterAll(async () => {
  await api.close()
  await store.close()
})

perfTest('capacity planning: requests/s one instance serves within p95 < 500 ms', async ({ annotate }) => {
  const found = await findCapacity(
    { slo: SLO, start: START, max: 50_000, stepDuration: '60s', name: 'replicated store capacity, 1KB mix' },
    mixedPutGet(api, 1024),
  )
  // The search found a knee: a rate that held the SLO and a higher one that broke it.
  expect(found.capacity, JSON.stringify(found.steps)).toBeGreaterThanOrEqual(START)
  expect(found.firstFailing, 'the SLO never broke up to max').toBeDefined()
  expect(found.firstFailing!.rate).toBeGreaterThan(found.capacity)
  // Every step that held met the SLO by the numbers it recorded.
  for (const step of found.steps.filter((s) => s.pass)) {
    expect(step.p95).toBeLessThan(500)
    expect(step.errorRate).toBeLessThan(0.01)
  }
  // The plan: instances for the expected load, each at most at HEADROOM of its capacity. A store
  // that could not serve even the first step within the SLO would not fit the budget.
  const instances = Math.ceil(EXPECTED_LOAD / (found.capacity * HEADROOM))
  expect(instances).toBeLessThanOrEqual(FLEET_BUDGET)
  await annotate(
    `capacity ${Math.round(found.capacity)}/s per instance (first failing ${Math.round(found.firstFailing!.rate)}/s: ${found.firstFailing!.reasons.join('; ')}); ${EXPECTED_LOAD}/s needs ${instances} instances at ${HEADROOM * 100} %`,
  )
})
