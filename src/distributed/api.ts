import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ShardedRunState } from '../engine/shards/coordinate.ts'

interface Served {
  server: Server
  url: string
  users: number
  runs: ShardedRunState[]
  token: string
}

const servers = new Map<string, Served>()
const KEEP_FINISHED = 20

/** The coordinator's REST API while distributed runs last: GET /runs, GET /runs/:id, POST /runs/:id/stop. */
export interface CoordinatorApi {
  url: string
  /** Every request needs `Authorization: Bearer <token>`. */
  token: string
  track(state: ShardedRunState): void
  release(): Promise<void>
}

/** Starts (or shares) the API on host:port; closed when the last run using it ends. */
export async function serveApi(options: { host: string; port: number; token?: string }): Promise<CoordinatorApi> {
  const key = `${options.host}:${options.port}`
  let served = options.port === 0 ? undefined : servers.get(key)
  if (served === undefined) {
    const runs: ShardedRunState[] = []
    const token = options.token ?? randomBytes(24).toString('base64url')
    // Empty until the port is known: nothing is answered before.
    const guard: { hosts: Set<string> | undefined } = { hosts: new Set() }
    const server = createServer((req, res) => {
      const refusal = refuse(req, token, guard.hosts)
      if (refusal) {
        res.writeHead(refusal[0], { 'content-type': 'application/json', ...(refusal[0] === 401 ? { 'www-authenticate': 'Bearer' } : {}) })
        return res.end(JSON.stringify({ error: refusal[1] }))
      }
      handle(runs, req, res)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => resolve())
    })
    const port = (server.address() as AddressInfo).port
    const host = options.host.includes(':') ? `[${options.host}]` : options.host
    guard.hosts = allowedHosts(options.host, port)
    served = { server, url: `http://${host}:${port}`, users: 0, runs, token }
    if (options.port !== 0) servers.set(key, served)
    console.log(`vitest-perf: coordinator API at ${served.url}/runs (Authorization: Bearer ${token})`)
  }
  const s = served
  s.users++
  return {
    url: s.url,
    token: s.token,
    track(state) {
      s.runs.push(state)
      const finished = s.runs.filter((r) => r.finished)
      if (finished.length > KEEP_FINISHED) s.runs.splice(s.runs.indexOf(finished[0]), 1)
    },
    async release() {
      if (--s.users > 0) return
      servers.delete(key)
      s.server.closeAllConnections()
      await new Promise<void>((resolve) => s.server.close(() => resolve()))
    },
  }
}

/** Host headers the API answers: the address it listens on and loopback names, with its port (DNS rebinding). */
function allowedHosts(host: string, port: number): Set<string> | undefined {
  // Bound to every interface: the name clients use is not known; the token still guards it.
  if (host === '0.0.0.0' || host === '::') return undefined
  const names = new Set([host.includes(':') ? `[${host}]` : host, 'localhost', '127.0.0.1', '[::1]'])
  return new Set([...names].map((h) => `${h}:${port}`.toLowerCase()))
}

/** Why a request is refused before it reaches the routes ([status, message]), or nothing. */
function refuse(req: IncomingMessage, token: string, hosts: Set<string> | undefined): [number, string] | undefined {
  if (hosts !== undefined && !hosts.has((req.headers.host ?? '').toLowerCase()))
    return [421, `Host ${req.headers.host ?? '(none)'} is not this API's`]
  const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '')
  const expected = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return [401, 'missing or wrong bearer token: send Authorization: Bearer <token> (printed with the API URL, or distributed.api.token)']
  }
  // A JSON content type needs a CORS preflight: a foreign page cannot POST here with a simple request.
  if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return [415, 'POST needs Content-Type: application/json']
  }
  return undefined
}

function stats(r: ShardedRunState) {
  const rec = r.runtime?.recorder
  const last = rec?.timeline.at(-1)
  return {
    id: r.runId,
    name: r.name,
    kind: r.kind,
    state: r.finished ? (r.runtime?.stopReason ? 'aborted' : 'completed') : r.runtime ? 'running' : 'starting',
    startedAt: new Date(r.startedAt).toISOString(),
    elapsedMs: rec ? rec.elapsedMs : 0,
    iterations: r.shards.reduce((n, s) => n + s.iterations, 0),
    failed: r.shards.reduce((n, s) => n + s.failed, 0),
    dropped: r.shards.reduce((n, s) => n + s.dropped, 0),
    lastSecond: last ? { t: last.t, throughput: last.throughput, p50: last.p50, p95: last.p95, p99: last.p99, vus: last.vus } : null,
    shards: r.shards.map((s) => ({
      id: s.id,
      iterations: s.iterations,
      failed: s.failed,
      dropped: s.dropped,
      throughput: s.lastSecond?.throughput ?? 0,
      lastSeen: new Date(s.lastSeen).toISOString(),
      state: s.lost ? 'lost' : s.done ? 'done' : 'running',
      ...(s.lost ? { lost: s.lost } : {}),
    })),
  }
}

function handle(runs: ShardedRunState[], req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body, null, 2))
  }
  const path = (req.url ?? '/').split('?')[0]
  const match = /^\/runs\/([^/]+)(\/stop)?$/.exec(path)
  const run = match ? runs.find((r) => r.runId === match[1]) : undefined
  if (req.method === 'GET' && (path === '/runs' || path === '/')) return send(200, { runs: runs.map(stats) })
  if (match && run === undefined) return send(404, { error: `no run ${match[1]}; GET /runs lists them` })
  if (req.method === 'GET' && match && !match[2]) return send(200, stats(run as ShardedRunState))
  if (req.method === 'POST' && match?.[2]) {
    const r = run as ShardedRunState
    if (r.finished) return send(409, { error: 'the run is over' })
    r.runtime?.stop('signal', 'stopped through the coordinator API')
    return send(202, { stopping: r.runId })
  }
  send(404, { error: 'GET /runs, GET /runs/:id, POST /runs/:id/stop' })
}
