// Latency the fault proxy adds with no toxic, against a direct connection in the same run.
//   npm run bench:faults            (add -- --quick for 4 rounds of 1 s instead of 8 of 3 s)
// A local redis-server; two ioredis clients, one direct and one through the proxy; Redis PING at
// 5 000 req/s (constant-arrival-rate), rounds alternating direct / proxy so both see the same
// machine. Latency is from the planned start (coordinated-omission corrected), in µs.
// Goal: < 100 µs added at p50 (what Toxiproxy claims for itself).
import { Redis } from 'ioredis'
import { runLoad } from '../src/run/run-load.ts'
import { startProxy } from '../src/faults/proxy.ts'
import { startService } from '../src/infra/chain.ts'
import { redis } from '../src/infra/services/redis.ts'
import type { RunResult } from '../src/core/result.ts'

const quick = process.argv.includes('--quick')
const RATE = 5_000
const ROUND_MS = quick ? 1_000 : 3_000
const ROUNDS = quick ? 4 : 8
const GOAL_P50_US = 100

const us = (ms: number) => Math.round(ms * 1000)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const cell = (n: number, width = 7) => String(n).padStart(width)

async function round(client: Redis, ms: number): Promise<RunResult> {
  return runLoad(
    { executor: 'constant-arrival-rate', rate: RATE, duration: ms, preAllocatedVUs: 50, maxVUs: 500 },
    async () => {
      await client.ping()
    },
    { attach: false },
  )
}

function line(label: string, r: RunResult): string {
  const l = r.latency
  const s = r.serviceTime
  return `   ${label.padEnd(8)} iterations ${cell(r.iterations)}  failed ${cell(r.failed, 3)}  dropped ${cell(r.dropped, 3)}   latency p50 ${cell(us(l.p50))} µs  p99 ${cell(us(l.p99))} µs   service p50 ${cell(us(s.p50))} µs  p99 ${cell(us(s.p99))} µs`
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`)
const { server } = await startService(redis, { provider: 'local' })
console.log(
  `redis ${server.version} (local, port ${server.port}); ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s at ${RATE.toLocaleString('en-US')} PING/s\n`,
)
const proxy = await startProxy({ upstream: server })
const direct = new Redis({ host: server.host, port: server.port, password: server.password, lazyConnect: true })
const proxied = new Redis({ host: proxy.host, port: proxy.port, password: server.password, lazyConnect: true })
try {
  await Promise.all([direct.connect(), proxied.connect()])
  // Warm-up: JIT, connections, histograms; not reported.
  await round(direct, 2_000)
  await round(proxied, 2_000)

  const results: { direct: RunResult[]; proxy: RunResult[] } = { direct: [], proxy: [] }
  for (let i = 0; i < ROUNDS; i++) {
    console.log(`round ${i + 1}`)
    // Alternating which goes first keeps drift of the machine (CPU frequency, other load) out of the difference.
    for (const which of i % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const)) {
      const r = await round(which === 'direct' ? direct : proxied, ROUND_MS)
      console.log(line(which, r))
      results[which].push(r)
    }
  }

  const m = (rs: RunResult[], pick: (r: RunResult) => number) => median(rs.map((r) => us(pick(r))))
  const rows = [
    ['latency', (r: RunResult) => r.latency.p50, (r: RunResult) => r.latency.p99],
    ['service', (r: RunResult) => r.serviceTime.p50, (r: RunResult) => r.serviceTime.p99],
  ] as const
  console.log(`\nmedian over rounds: latency from planned start, and service time (the PING alone)`)
  let addedP50 = 0
  for (const [name, p50, p99] of rows) {
    const d = [m(results.direct, p50), m(results.direct, p99)]
    const p = [m(results.proxy, p50), m(results.proxy, p99)]
    if (name === 'latency') addedP50 = p[0] - d[0]
    console.log(
      `   ${name}  direct p50 ${cell(d[0])} µs  p99 ${cell(d[1])} µs   proxy p50 ${cell(p[0])} µs  p99 ${cell(p[1])} µs   added p50 ${cell(p[0] - d[0], 5)} µs  p99 ${cell(p[1] - d[1], 6)} µs`,
    )
  }
  console.log(
    `   added latency at p50 ${addedP50} µs (goal < ${GOAL_P50_US} µs) ${addedP50 < GOAL_P50_US ? 'OK' : 'MISS'}; p99 is dominated by the machine's scheduling noise (compare the rounds)`,
  )
  const stats = proxy.stats()
  console.log(
    `   proxy counted ${stats.connections.total} connection(s), ${stats.bytes.upstream.toLocaleString('en-US')} bytes up, ${stats.bytes.downstream.toLocaleString('en-US')} bytes down`,
  )
} finally {
  direct.disconnect()
  proxied.disconnect()
  await proxy.close()
  await server.stop()
}
