import { afterEach, beforeEach, expect } from 'vitest'
import { expectPerformance, http, perfTest, type HttpClient } from 'vitest-perf'
import { exportedIterations } from './exporter.ts'
import { startFileStore, type FileStore } from './file-store-service.ts'
import { indicatorsOf, thresholdsFor } from './indicators.ts'
import { PROFILES, usersOf } from './profiles.ts'
import { promValue } from './prometheus-text.ts'
import { FILES, content, fileName, user } from './users.ts'

// The stress guide's three Locust runs against the file store (fresh, cold cache each time):
//   light   10 users, spawn 2/s,  2 minutes
//   medium  20 users, spawn 3/s,  5 minutes
//   heavy   50 users, spawn 5/s, 10 minutes
// Each must grade Good on the guide's indicators (cache hit rate > 50 %, p95 < 500 ms, errors
// < 1 %; this store measures about 66 %, 25 ms, 0 %), and the service's own Prometheus metrics
// must agree with what the users saw. The think time sits inside each iteration, so the
// run's `latency` (and report.md's latency columns) is a user's task plus think time; request
// times are `http_req_duration`.
let store: FileStore
let api: HttpClient

beforeEach(async () => {
  store = await startFileStore()
  api = http.client(store.url, { timeout: '10s' })
  const put = api.template({ method: 'PUT', path: '/files/{name}', body: content, check: { status: 201 }, throwOnCheck: true })
  for (let i = 0; i < FILES; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => put(undefined, { name: fileName(i + j) })))
})

afterEach(async () => {
  await api.close()
  await store.close()
})

const scrape = async () => (await api.get('/metrics', undefined, { readBody: true })).text()

for (const profile of PROFILES) {
  perfTest(`file-storage ${profile.name} load`, async ({ run, annotate }) => {
    const download = api.template({ method: 'GET', path: '/files/{name}', tag: 'GET /files/:name', check: { status: 200 } })
    const upload = api.template({ method: 'PUT', path: '/files/{name}', tag: 'PUT /files/:name', body: content, check: { status: 200 } })
    const before = await scrape()
    const result = await run(usersOf(profile), user({ download, upload }))

    const seen = indicatorsOf(result)
    await annotate(
      `${profile.name}: ${seen.grade.toUpperCase()} — cache hit ${(seen.hitRate * 100).toFixed(1)}%, p95 ${seen.p95Ms.toFixed(1)} ms, errors ${(seen.errorRate * 100).toFixed(2)}%`,
    )
    expectPerformance(result).toMeet({
      ...thresholdsFor('good'),
      'http_req_duration{endpoint:GET /files/:name}': ['p(95)<1s'],
      'http_req_duration{endpoint:PUT /files/:name}': ['p(95)<1s'],
      checks: ['rate>99%'],
      errors: ['rate<1%'],
    })
    // Every user ran: the ramp reached the profile's user count.
    expect(Math.max(...result.timeline.map((p) => p.vus))).toBe(profile.users)

    // The service's Prometheus metrics, as the guide's dashboard reads them: hit rate from
    // cache_hits_total and cache_misses_total over the run. It must match the X-Cache headers.
    const after = await scrape()
    const delta = (name: string) => promValue(after, name) - promValue(before, name)
    const serverHitRate = delta('cache_hits_total') / (delta('cache_hits_total') + delta('cache_misses_total'))
    expect(serverHitRate).toBeCloseTo(seen.hitRate, 2)
    expect(promValue(after, 'cache_size')).toBeLessThanOrEqual(promValue(after, 'cache_capacity'))
    expect(delta('http_requests_total')).toBeGreaterThanOrEqual(result.iterations)

    // With vitest-perf's exporter on (vitest.prometheus.config.ts), Prometheus sees the same run.
    const exported = await exportedIterations(result.name!, result.iterations)
    if (exported !== undefined) expect(exported).toBe(result.iterations)
  })
}
