// HTTP load at wire speed: our engine + http client against autocannon and wrk, same run.
//   npm run bench:http            (-- --seconds 5 --rounds 3 --connections 50 --pipelining 1)
// Targets: nginx-light (own config in a temp dir) and a Node http server, both on core 0.
// Generators run one at a time on core 1 (taskset), each in its own process, rounds alternating.
// `ours` is the http client on undici, `wire` the same client with transport: 'wire'.
// Goals at 50 connections, in requests/s per core of the steady middle of each run: ours ≥ 1.0×
// autocannon, ≥ 0.95× a bare undici dispatch loop (the most any undici-based client can reach) and
// ≥ 0.75× wrk. The same figure over the whole call (set-up and tear-down included) is printed too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { IterationContext } from '../src/engine/context.ts'
import { runLoad } from '../src/run/run-load.ts'
import { http } from '../src/http/index.ts'
import { freePort, portOpen } from '../src/infra/free-port.ts'

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    url: { type: 'string' },
    port: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    pipelining: { type: 'string', default: '1' },
  },
})
const seconds = Number(args.seconds)
const connections = Number(args.connections)
// Requests in flight per connection, for every generator that can pipeline (wrk cannot): ours
// runs connections × pipelining VUs, the undici loop as many loops, autocannon its -p.
const pipelining = Number(args.pipelining)
const inFlight = connections * pipelining
const BODY = 'hello world\n'

interface Measured {
  rps: number
  p50: number
  p99: number
  /** Generator CPU over the whole call (set-up, warm-up excluded, tear-down), per second of the run. */
  cpu: number
  /** Requests and CPU seconds in the steady middle of the run: from 1 s after the first response to 1 s before the end. */
  steady?: { requests: number; cpuSeconds: number; wallSeconds: number }
}

/**
 * Counts completed requests and generator CPU between two instants of a run: `arm()` at its
 * start (first response), measured from 1 s later to 1 s before its planned end. What a
 * generator does once per run (validation, the machine probe, the monitor's closing full GCs,
 * building the result; autocannon's histogram encoding) stays out of it: per-request cost only.
 */
class SteadyWindow {
  private from: { n: number; cpu: NodeJS.CpuUsage; t: number } | undefined
  private result: Measured['steady']
  private armed = false
  private readonly count: () => number

  constructor(count: () => number) {
    this.count = count
  }

  arm(runMs: number): void {
    if (this.armed) return
    this.armed = true
    setTimeout(() => (this.from = { n: this.count(), cpu: process.cpuUsage(), t: performance.now() }), 1000).unref()
    setTimeout(() => {
      const from = this.from!
      const cpu = process.cpuUsage(from.cpu)
      this.result = {
        requests: this.count() - from.n,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        wallSeconds: (performance.now() - from.t) / 1000,
      }
    }, runMs - 1000).unref()
  }

  get(): Measured['steady'] {
    return this.result
  }
}
interface AutocannonResult {
  requests: { total: number }
  latency: { p50: number; p99: number }
  errors: number
  non2xx: number
}

function emit(m: Measured): void {
  process.stdout.write(JSON.stringify(m) + '\n')
}

async function ours(url: string, transport: 'undici' | 'wire'): Promise<Measured> {
  const api = http.client(url, { connections, pipelining, timeout: '5s', transport })
  let done = 0
  const window = new SteadyWindow(() => done)
  let measuring = false
  const workflow = async (ctx: IterationContext) => {
    await api.get('/', ctx)
    done++
    if (measuring) window.arm(seconds * 1000)
  }
  await runLoad({ executor: 'constant-vus', vus: inFlight, duration: '1s' }, workflow, { attach: false })
  measuring = true
  const cpu0 = process.cpuUsage()
  const r = await runLoad({ executor: 'constant-vus', vus: inFlight, duration: seconds * 1000 }, workflow, { attach: false })
  const cpu = process.cpuUsage(cpu0)
  await api.close()
  const d = r.metrics['http_req_duration']
  if (r.failed > 0 || d?.type !== 'trend') throw new Error(`our run failed: ${JSON.stringify(r.errors)}`)
  return {
    rps: r.throughput,
    p50: d.summary.p50,
    p99: d.summary.p99,
    cpu: (cpu.user + cpu.system) / 1000 / r.durationMs,
    steady: window.get(),
  }
}

// The ceiling for any undici-based client: a hand loop over Clients with an empty handler.
async function undiciRaw(url: string): Promise<Measured> {
  const { Client } = await import('undici')
  const clients = Array.from({ length: connections }, () => new Client(url, { pipelining }))
  const opts = { method: 'GET', path: '/' }
  const one = (c: InstanceType<typeof Client>) =>
    new Promise<void>((resolve, reject) =>
      c.dispatch(opts, {
        onRequestStart() {},
        onResponseStart() {},
        onResponseData() {},
        onResponseEnd: () => resolve(),
        onResponseError: (_c, e) => reject(e),
      }),
    )
  let done = 0
  const loop = async (ms: number) => {
    const n0 = done
    const end = performance.now() + ms
    await Promise.all(
      Array.from({ length: inFlight }, async (_, i) => {
        const c = clients[i % connections]
        while (performance.now() < end) {
          await one(c)
          done++
        }
      }),
    )
    return done - n0
  }
  await loop(1000)
  const window = new SteadyWindow(() => done)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  window.arm(seconds * 1000)
  const n = await loop(seconds * 1000)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  await Promise.all(clients.map((c) => c.close()))
  return { rps: (n * 1000) / ms, p50: NaN, p99: NaN, cpu: (cpu.user + cpu.system) / 1000 / ms, steady: window.get() }
}

async function cannon(url: string): Promise<Measured> {
  // autocannon ships no types; only the fields read below are declared.
  const { default: autocannon } = (await import(String('autocannon'))) as {
    default: (o: object) => Promise<AutocannonResult> & { on(event: 'tick', fn: (t: { counter: number }) => void): void }
  }
  await autocannon({ url, connections, pipelining, duration: 1 })
  const cpu0 = process.cpuUsage()
  const run = autocannon({ url, connections, pipelining, duration: seconds })
  // Its 'tick' every second carries the responses of that second: the window is ticks 1 to seconds - 1.
  const ticks: { counter: number; cpu: NodeJS.CpuUsage; t: number }[] = []
  run.on('tick', ({ counter }) => ticks.push({ counter, cpu: process.cpuUsage(), t: performance.now() }))
  const r = await run
  const cpu = process.cpuUsage(cpu0)
  if (r.errors > 0 || r.non2xx > 0) throw new Error(`autocannon: ${r.errors} errors, ${r.non2xx} non-2xx`)
  let steady: Measured['steady']
  if (ticks.length >= seconds - 1 && seconds >= 3) {
    const [from, to] = [ticks[0], ticks[seconds - 2]]
    steady = {
      requests: ticks.slice(1, seconds - 1).reduce((sum, t) => sum + t.counter, 0),
      cpuSeconds: (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1e6,
      wallSeconds: (to.t - from.t) / 1000,
    }
  }
  return {
    rps: r.requests.total / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpu: (cpu.user + cpu.system) / 1000 / (seconds * 1000),
    steady,
  }
}

/** Runs this file under `taskset -c <core>` with a role, returning the process. */
function child(core: number | undefined, role: string, extra: string[]): ChildProcess {
  const argv = [
    process.execPath,
    path.resolve(import.meta.filename),
    '--role',
    role,
    '--seconds',
    String(seconds),
    '--connections',
    String(connections),
    '--pipelining',
    String(pipelining),
    ...extra,
  ]
  return core === undefined
    ? spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('taskset', ['-c', String(core), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] })
}

function generator(core: number | undefined, role: 'ours' | 'wire' | 'autocannon' | 'undici', url: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const p = child(core, role, ['--url', url])
    let out = ''
    p.stdout!.on('data', (d) => (out += d))
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${role} exited with ${code}`)),
    )
  })
}

function wrk(core: number | undefined, url: string): Measured {
  const pin = core === undefined ? '' : `taskset -c ${core} `
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${pin}wrk -t1 -c${connections} -d${seconds}s --latency ${url}/`], {
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1])
  const [user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
  return { rps, p50: wrkMs(r.stdout, '50'), p99: wrkMs(r.stdout, '99'), cpu: (user + sys) / seconds }
}

function wrkMs(out: string, pct: string): number {
  const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out)
  return m === null ? NaN : Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's']
}

async function waitOpen(port: number, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await portOpen('127.0.0.1', port, 200)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 5 s`)
}

function nginxConfig(dir: string, port: number): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000; keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 '${BODY.replace('\n', '\\n')}'; }
  }
}
`
}

/** Starts a target, returns its URL and how to stop it. */
async function startTarget(
  kind: 'nginx' | 'node',
  core: number | undefined,
  dir: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort()
  let p: ChildProcess
  if (kind === 'nginx') {
    writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port))
    const argv = ['nginx', '-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log')]
    p =
      core === undefined
        ? spawn(argv[0], argv.slice(1), { stdio: 'inherit' })
        : spawn('taskset', ['-c', String(core), ...argv], { stdio: 'inherit' })
  } else p = child(core, 'node-target', ['--port', String(port)])
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()))
  await waitOpen(port, kind)
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      p.kill('SIGTERM')
      await exited
    },
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9)
// NaN (not measured) arrives from the child as null.
const msText = (n: number | null) => (n === null || Number.isNaN(n) ? '     -' : n.toFixed(3).padStart(6))

async function main(): Promise<void> {
  const pinned = os.availableParallelism() >= 2 && spawnSync('taskset', ['-c', '1', 'true']).status === 0
  const [targetCore, genCore] = pinned ? [0, 1] : [undefined, undefined]
  const hasWrk = spawnSync('wrk', ['-v']).error === undefined
  const hasNginx = spawnSync('nginx', ['-v']).error === undefined
  const rounds = Number(args.rounds)
  console.log(
    `node ${process.version}; ${connections} connections, pipelining ${pipelining} (${inFlight} requests in flight), ${seconds} s per measurement, median of ${rounds} alternating rounds; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log(
    pinned
      ? 'target on core 0, each generator alone on core 1 (taskset)\n'
      : 'NOT pinned (taskset or a second core missing): ratios are less meaningful\n',
  )
  if (!hasWrk || !hasNginx)
    console.log(`missing: ${[!hasWrk && 'wrk', !hasNginx && 'nginx'].filter(Boolean).join(', ')} (apt-get install -y nginx-light wrk)\n`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vitest-perf-bench-http-'))
  const targets = (['nginx', 'node'] as const).filter((k) => k !== 'nginx' || hasNginx)
  try {
    for (const kind of targets) {
      const target = await startTarget(kind, targetCore, dir)
      try {
        const runs: Runs = { ours: [], wire: [], autocannon: [], wrk: [], undici: [] }
        for (let round = 0; round < rounds; round++) {
          runs.ours.push(await generator(genCore, 'ours', target.url))
          runs.wire.push(await generator(genCore, 'wire', target.url))
          runs.autocannon.push(await generator(genCore, 'autocannon', target.url))
          // wrk sends one request at a time per connection: it has no like-for-like figure with pipelining.
          if (hasWrk && pipelining === 1) runs.wrk.push(wrk(genCore, target.url))
          runs.undici.push(await generator(genCore, 'undici', target.url))
        }
        report(kind, runs)
      } finally {
        await target.stop()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `\nload average after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (rerun when others use the machine)`,
  )
}

/** ours: the http client on undici (the default); wire: the same client with transport: 'wire'. */
type Runs = Record<'ours' | 'wire' | 'autocannon' | 'wrk' | 'undici', Measured[]>

function report(kind: string, runs: Runs): void {
  console.log(`${kind}:        req/s (median; each round)            CPU   per core   steady: req/s per core   p50 ms  p99 ms`)
  const raw: Record<string, number> = {}
  const perCore: Record<string, number> = {}
  const steady: Record<string, number> = {}
  for (const [name, list] of Object.entries(runs)) {
    if (list.length === 0) continue
    const pick = (f: (m: Measured) => number) => median(list.map(f))
    raw[name] = pick((m) => m.rps)
    // Requests per second of generator CPU: what a whole core would do, even when other work
    // took part of it or the target caps the rate.
    perCore[name] = pick((m) => m.rps / m.cpu)
    // wrk is measured by `time` as a whole: its set-up is negligible, its whole figure stands for both.
    steady[name] = pick((m) => (m.steady ? m.steady.requests / m.steady.cpuSeconds : m.rps / m.cpu))
    const rounds = `(${list.map((m) => Math.round(m.rps)).join(', ')})`
    console.log(
      `  ${name.padEnd(10)} ${fmt(raw[name])}  ${rounds.padEnd(27)} ${(pick((m) => m.cpu) * 100).toFixed(0).padStart(3)}%  ${fmt(perCore[name])}  ${fmt(steady[name])}  (${list.map((m) => (m.steady ? Math.round(m.steady.requests / m.steady.cpuSeconds) : '-')).join(', ')})   ${msText(pick((m) => m.p50))}  ${msText(pick((m) => m.p99))}`,
    )
  }
  const line = (ours: 'ours' | 'wire', label: string, anchor: string, goal: number) => {
    if (perCore[anchor] === undefined || perCore[ours] === undefined) return
    const r = steady[ours] / steady[anchor]
    console.log(
      `  ${ours}/${label.padEnd(10)} ${r.toFixed(2)} per core, steady (goal ≥ ${goal.toFixed(2)}) ${r >= goal ? 'OK' : 'MISS'}; ` +
        `whole call ${(perCore[ours] / perCore[anchor]).toFixed(2)}; raw req/s ${(raw[ours] / raw[anchor]).toFixed(2)}`,
    )
  }
  for (const ours of ['ours', 'wire'] as const) {
    line(ours, 'autocannon', 'autocannon', 1)
    line(ours, 'undici', 'undici', 0.95)
    line(ours, 'wrk', 'wrk', 0.75)
  }
  console.log(
    '  (per core: requests per generator CPU second; steady: from 1 s after the first response to 1 s before the end, each round in brackets;\n' +
      '   undici: a bare dispatch loop, the ceiling of any undici client; latency: ours http_req_duration in µs, autocannon whole ms, wrk --latency)\n',
  )
}

// Child roles: one generator (or the Node target) per process, so each can be pinned alone.
if (args.role === 'node-target') {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length })
    res.end(BODY)
  })
  server.keepAliveTimeout = 120_000
  server.listen(Number(args.port), '127.0.0.1')
} else if (args.role === 'ours') {
  emit(await ours(args.url!, 'undici'))
} else if (args.role === 'wire') {
  emit(await ours(args.url!, 'wire'))
} else if (args.role === 'autocannon') {
  emit(await cannon(args.url!))
} else if (args.role === 'undici') {
  emit(await undiciRaw(args.url!))
} else {
  await main()
}
