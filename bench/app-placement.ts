// Where should the app under test run? The same service (node:http over PostgreSQL and Redis,
// bench/verdict-service/service.ts) run (a) inside this process, beside the load generator, and
// (b) in a child process, under the same load through the product's API (runLoad and http.client):
// a closed model at full speed and an open model at a fixed rate below capacity, in rounds that
// alternate which placement goes first (ABBA), so the machine's drift falls on both.
//   npm run bench:placement                 (-- --rounds 6 --seconds 8 --vus 8 --rate <per s> --cpu-ms 1)
// --cpu-ms adds that much CPU work per request on the app's event loop (the service's cpuMs knob):
// without it the service mostly waits for PostgreSQL.
// Both apps live for the whole run; each is idle while the other is loaded. Used by docs/app-placement.md.
import os from 'node:os'
import { parseArgs } from 'node:util'
import {
  expectPerformance,
  http,
  PerfThresholdError,
  runLoad,
  type LoadConfig,
  type RequestTemplate,
  type RunResult,
} from '../src/index.ts'
import { median } from '../src/core/stats.ts'
import { startService } from './verdict-service/service.ts'
import { ITEMS, TERMS, openStores, startApp, Teardown } from './verdict-service/stack.ts'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '8' },
    vus: { type: 'string', default: '8' },
    rate: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    'cpu-ms': { type: 'string', default: '0' },
  },
})
const ROUNDS = Number(args.rounds)
const RUN_MS = Math.round(Number(args.seconds) * 1000)
const VUS = Number(args.vus)
const WARMUP_MS = Math.round(Number(args.warmup) * 1000)
const CPU_MS = Number(args['cpu-ms'])
/** The open model's rate as a share of the lower closed-model capacity, unless --rate is given. */
const RATE_SHARE = 0.5

type Placement = 'in-process' | 'child process'
type Model = 'closed' | 'open'

interface Target {
  placement: Placement
  /** The child's pid, which the monitor watches; none when the app is this process. */
  pid?: number
  items: RequestTemplate
}

/** One run, reduced to what the tables print. CPU in ms per iteration. */
interface Measure {
  throughput: number
  p50: number
  p95: number
  p99: number
  serviceP99: number
  dropped: number
  cpuTest: number
  cpuApp?: number
  loopP99: number
  loopMax: number
  loopUtilization: number
  appRss?: number
  appCpu?: number
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN)
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`

function measure(r: RunResult): Measure {
  const app = r.resources.map((s) => s.servers?.app).filter((s) => s !== undefined)
  const appRss = app.map((s) => s.rss).filter((x): x is number => x !== undefined)
  const appCpu = app.map((s) => s.cpu).filter((x): x is number => x !== undefined)
  const cpuApp = r.cpu?.servers?.app
  return {
    throughput: r.throughput,
    p50: r.latency.p50,
    p95: r.latency.p95,
    p99: r.latency.p99,
    serviceP99: r.serviceTime.p99,
    dropped: r.dropped,
    cpuTest: (r.cpu?.process ?? NaN) / r.iterations,
    ...(cpuApp !== undefined ? { cpuApp: cpuApp / r.iterations } : {}),
    loopP99: median(r.resources.map((s) => s.eventLoop.p99)),
    loopMax: Math.max(...r.resources.map((s) => s.eventLoop.max)),
    loopUtilization: mean(r.resources.map((s) => s.eventLoop.utilization)),
    ...(appRss.length ? { appRss: mean(appRss) / 2 ** 20 } : {}),
    ...(appCpu.length ? { appCpu: mean(appCpu) } : {}),
  }
}

/** What toHaveNoLeak() makes of a run: "judged: …" (pass or fail) or "cannot judge: …" (its config error). */
function leakCheck(check: () => void): string {
  try {
    check()
    return 'judged: no leak'
  } catch (e) {
    const text = (e as Error).message.replace(/\s*\n\s*/g, ' ')
    return e instanceof PerfThresholdError ? `judged: ${text}` : `cannot judge: ${text}`
  }
}

async function main(teardown: Teardown, signal: AbortSignal): Promise<void> {
  const t0 = performance.now()
  const stores = await openStores(teardown)
  const child = await startApp(stores, teardown)
  const inProcess = await startService(stores)
  teardown.add('stop the in-process service', () => inProcess.close())

  const target = (placement: Placement, url: string, pid?: number): Target => {
    // One connection per VU, as k6; a check that fails throws, so it counts as a failed iteration.
    const api = http.client(url, { timeout: '10s' })
    teardown.add(`close the HTTP client of ${placement}`, () => api.close())
    const path = CPU_MS > 0 ? `/items?q={q}&cpuMs=${CPU_MS}` : '/items?q={q}'
    const items = api.template({ path, check: { status: 200 }, throwOnCheck: true })
    return { placement, ...(pid !== undefined ? { pid } : {}), items }
  }
  const targets = [target('in-process', `http://127.0.0.1:${inProcess.port}`), target('child process', child.url, child.pid)]

  const run = async (t: Target, config: LoadConfig): Promise<RunResult> => {
    signal.throwIfAborted()
    const r = await runLoad(
      config,
      async (ctx) => {
        await t.items(ctx, { q: ctx.iteration % TERMS })
      },
      { attach: false, probe: false, signal, monitor: { servers: t.pid !== undefined ? [{ service: 'app', pid: t.pid }] : [] } },
    )
    signal.throwIfAborted()
    if (r.failed > 0) throw new Error(`${t.placement}: ${r.failed} of ${r.iterations} requests failed: ${JSON.stringify(r.errors.byKind)}`)
    return r
  }

  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(2)} at the start`)
  console.log('on a shared machine the figures are noisy: compare the two placements within one run, not across runs')
  console.log(
    `service: node:http, PostgreSQL table of ${ITEMS} rows (ilike search, 50 rows) + Redis read per request${CPU_MS > 0 ? ` + ${CPU_MS} ms of CPU work` : ''}`,
  )
  console.log(`  in-process on port ${inProcess.port}; child process pid ${child.pid} on ${child.url}; set up in ${seconds(t0)}`)

  // Warm both apps (JIT, pools) before anything is measured.
  for (const t of targets) await run(t, { executor: 'constant-vus', vus: VUS, duration: WARMUP_MS })
  console.log(
    `warmed up (${WARMUP_MS} ms each); ${ROUNDS} rounds × 2 models × 2 placements × ${RUN_MS} ms, the first placement alternating by round: about ${((ROUNDS * 4 * (RUN_MS + 300)) / 60_000).toFixed(1)} min\n`,
  )
  // The open model's rate is fixed once the first round's closed runs have shown both capacities.
  let rate = args.rate ? Number(args.rate) : undefined
  const config = (model: Model): LoadConfig =>
    model === 'closed'
      ? { executor: 'constant-vus', vus: VUS, duration: RUN_MS }
      : { executor: 'constant-arrival-rate', rate: rate!, duration: RUN_MS, preAllocatedVUs: VUS, maxVUs: 64 }

  const results = new Map<string, Measure[]>()
  const last = new Map<string, RunResult>()
  const tRounds = performance.now()
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const model of ['closed', 'open'] as const) {
      if (model === 'open' && rate === undefined) {
        const capacity = Math.min(...targets.map((t) => results.get(`closed ${t.placement}`)![0].throughput))
        rate = Math.max(10, Math.floor((RATE_SHARE * capacity) / 10) * 10)
        console.log(`open-model rate: ${rate}/s, ${RATE_SHARE * 100} % of the lower closed-model throughput of round 1`)
      }
      for (const t of order) {
        const r = await run(t, config(model))
        const key = `${model} ${t.placement}`
        results.set(key, [...(results.get(key) ?? []), measure(r)])
        last.set(key, r)
      }
    }
    console.log(`round ${round + 1}/${ROUNDS} (${seconds(tRounds)}, load average ${os.loadavg()[0].toFixed(2)})`)
  }

  const cell = (xs: number[], digits: number) => {
    if (xs.some((x) => Number.isNaN(x))) return 'n/a'
    const f = (x: number) => x.toFixed(digits)
    return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`
  }
  for (const model of ['closed', 'open'] as const) {
    const title =
      model === 'closed'
        ? `closed model: constant-vus ${VUS}, as fast as it goes`
        : `open model: constant-arrival-rate ${rate}/s, maxVUs 64`
    console.log(`\n${title}; median [min–max] of ${ROUNDS} runs of ${RUN_MS} ms`)
    console.log(`${''.padEnd(44)}${'in-process'.padEnd(28)}child process`)
    const a = results.get(`${model} in-process`)!
    const b = results.get(`${model} child process`)!
    const row = (label: string, of: (m: Measure) => number | undefined, digits: number, missing = 'not separable') => {
      const side = (ms: Measure[]) => {
        const xs = ms.map(of)
        return xs.every((x) => x === undefined) ? missing : cell(xs as number[], digits)
      }
      console.log(`${label.padEnd(44)}${side(a).padEnd(28)}${side(b)}`)
    }
    row('throughput /s', (m) => m.throughput, 0)
    row('latency p50 ms (from the planned start)', (m) => m.p50, 2)
    row('latency p95 ms', (m) => m.p95, 2)
    row('latency p99 ms', (m) => m.p99, 2)
    if (model === 'open') {
      row('service time p99 ms (from the actual start)', (m) => m.serviceP99, 2)
      row('dropped iterations', (m) => m.dropped, 0)
    }
    row('CPU ms/iteration, test process', (m) => m.cpuTest, 3)
    row('CPU ms/iteration, app process', (m) => m.cpuApp, 3)
    row('CPU ms/iteration, both', (m) => m.cpuTest + (m.cpuApp ?? 0), 3)
    row('event-loop delay p99 ms, test process', (m) => m.loopP99, 2)
    row('event-loop delay max ms, test process', (m) => m.loopMax, 2)
    row('event-loop utilisation, test process', (m) => m.loopUtilization, 2)
    row("app's RSS MB (monitor)", (m) => m.appRss, 1, 'not visible')
    row("app's CPU % of a core (monitor)", (m) => m.appCpu, 0, 'not visible')
  }

  console.log('\nwhat the monitor can judge (the last closed-model run of each placement):')
  for (const t of targets) {
    const r = last.get(`closed ${t.placement}`)!
    console.log(`  ${t.placement}:`)
    console.log(`    toHaveNoLeak({ process: 'app' })  ${leakCheck(() => expectPerformance(r).toHaveNoLeak({ process: 'app' }))}`)
    console.log(`    toHaveNoLeak()  (the test process) ${leakCheck(() => expectPerformance(r).toHaveNoLeak())}`)
  }
  console.log(`\nload average ${os.loadavg()[0].toFixed(2)} at the end; total ${seconds(t0)}`)
}

const teardown = new Teardown()
const interrupt = new AbortController()
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => {
    console.error(`\n${name}: stopping and cleaning up`)
    interrupt.abort(new Error(`interrupted by ${name}`))
    setTimeout(() => void teardown.run().finally(() => process.exit(130)), 5000).unref()
  })
}
try {
  await main(teardown, interrupt.signal)
} catch (e) {
  console.error(interrupt.signal.aborted ? (interrupt.signal.reason as Error).message : e)
  process.exitCode = interrupt.signal.aborted ? 130 : 1
} finally {
  await teardown.run()
}
