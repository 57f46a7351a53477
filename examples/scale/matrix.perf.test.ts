import { afterAll, beforeAll, expect, test } from 'vitest'
import { bytes, expectPerformance, http, matrix, runLoad, type HttpClient } from 'vitest-perf'
import { startReplicatedStore, type ReplicatedStore } from './replicated-store.ts'
import { mixedPutGet } from './workload.ts'

// The walkthrough's full scale test, on one in-process store instead of 1-7 node clusters:
// concurrency 10, 25, 50, 100 workers × payloads 1KB, 4KB, 16KB, mixed PUT/GET, 60 s per cell as
// the walkthrough runs its tests (3 s in the demo).
// The reporter writes perf-results/matrix.csv (throughput, p50/p95/p99, errors and scaling
// efficiency per cell), summary.csv (one row per run) and a matrix section with the best cell
// under the SLO in report.md. The SLO is the walkthrough's rule for a sweet spot, over 99 %
// success; the latencies are in the table. A matrix is a scan: a cell past a latency bound would
// be a finding about the machine (100 workers on two busy cores wait ~1 s for their turn), not a
// failure of the store.
const CONCURRENCY = [10, 25, 50, 100] as const
const PAYLOAD = ['1KB', '4KB', '16KB'] as const

let store: ReplicatedStore
let api: HttpClient
const throughput = new Map<string, number>()

beforeAll(async () => {
  store = await startReplicatedStore()
  api = http.client(store.url, { timeout: '10s' })
  // Warm-up, not reported: connections and compiled hot paths before the first cell measures.
  await runLoad({ executor: 'shared-iterations', vus: 10, iterations: 2000 }, mixedPutGet(api, 4096), { attach: false })
})

afterAll(async () => {
  await api.close()
  await store.close()
})

matrix('replicated store', { concurrency: CONCURRENCY, payload: PAYLOAD }, async (cell, { run }) => {
  const result = await run(
    { executor: 'constant-vus', vus: cell.concurrency, duration: '60s', thresholds: { errors: ['rate<1%'] } },
    mixedPutGet(api, bytes(cell.payload)),
  )
  expectPerformance(result).toMeet({ checks: ['rate>99.9%'], http_req_failed: ['rate<0.1%'] })
  throughput.set(cell.name, result.throughput)
})

const at = (concurrency: number, payload: string) => throughput.get(`concurrency=${concurrency} payload=${payload}`)!

test('scaling: bigger payloads give lower throughput', ({ skip }) => {
  skip(throughput.size < CONCURRENCY.length * PAYLOAD.length, 'runs after the whole matrix only')
  // Over all concurrencies together, since a busy neighbour can halve one cell's throughput but
  // hardly all four. 16KB costs about twice the work of 1KB and of 4KB (0.45–0.7× their throughput
  // measured); 4KB against 1KB is not asserted: the HTTP exchange both pay for costs more than
  // their 3 KB difference, and the two come out within a few percent of each other.
  const total = (payload: string) => CONCURRENCY.reduce((sum, c) => sum + at(c, payload), 0)
  expect(total('16KB')).toBeLessThan(total('1KB'))
  expect(total('16KB')).toBeLessThan(total('4KB'))
})

test('scaling: the store does not collapse under concurrency', ({ skip }) => {
  skip(throughput.size < CONCURRENCY.length * PAYLOAD.length, 'runs after the whole matrix only')
  // One event loop serves everything, so 10× the workers cannot be 10× the throughput (scaling
  // efficiency ≈ 0.1 in matrix.csv); but 100 workers must still get a quarter of what 10 get.
  for (const p of PAYLOAD) expect(at(100, p), `payload ${p}`).toBeGreaterThan(at(10, p) * 0.25)
})
