import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { HttpClient } from 'vitest-perf'
import { listenOnLoopback, type LoopbackService } from '../shared/loopback.ts'

// The system under test: a key-value store over HTTP, kept in an in-memory Map of strings (so the
// data lives on the V8 heap, where the resource monitor and /stats see it).
//   GET /kv/:key     200 with the value, 404 when missing
//   PUT /kv/:key     201 when new, 200 when replaced
//   DELETE /kv/:key  204, 404 when missing
//   GET /stats       {"keys", "bytes", "heapUsed", "rss"}; /stats?gc=1 collects garbage first,
//                    so heapUsed is the memory the live keys hold.

export interface KvOptions {
  /** Every read waits this long first: a build whose hot-key cache is gone and reads hit a slow store. */
  readDelayMs?: number
}

export interface KvStats {
  keys: number
  /** Key and value bytes held. */
  bytes: number
  heapUsed: number
  rss: number
}

export type KvService = LoopbackService

// A full collection on demand; the standard trick for a process started without --expose-gc.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

export async function startKvService(options: KvOptions = {}): Promise<KvService> {
  const store = new Map<string, string>()
  let bytes = 0

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = req.url ?? '/'
    if (url === '/stats' || url === '/stats?gc=1') {
      if (url.endsWith('gc=1')) collect()
      const { heapUsed, rss } = process.memoryUsage()
      const stats: KvStats = { keys: store.size, bytes, heapUsed, rss }
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats))
    }
    if (!url.startsWith('/kv/') || url.length === 4) return res.writeHead(404).end()
    let key: string
    try {
      key = decodeURIComponent(url.slice(4))
    } catch {
      return res.writeHead(400).end('bad key encoding')
    }
    const old = store.get(key)
    if (req.method === 'GET') {
      if (old === undefined) return res.writeHead(404).end()
      return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(old, 'latin1')
    }
    if (req.method === 'PUT') {
      bytes += old === undefined ? key.length + body.length : body.length - old.length
      store.set(key, body.toString('latin1'))
      return res.writeHead(old === undefined ? 201 : 200).end()
    }
    if (req.method === 'DELETE') {
      if (old === undefined) return res.writeHead(404).end()
      bytes -= key.length + old.length
      store.delete(key)
      return res.writeHead(204).end()
    }
    res.writeHead(405, { allow: 'GET, PUT, DELETE' }).end()
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const delay = req.method === 'GET' && req.url?.startsWith('/kv/') ? options.readDelayMs : undefined
      if (delay) setTimeout(() => handle(req, res, body), delay)
      else handle(req, res, body)
    })
  })
  return listenOnLoopback(server)
}

/** The service's /stats, read outside any run (nothing recorded); `gc` collects garbage first. */
export async function kvStats(api: HttpClient, gc = false): Promise<KvStats> {
  const res = await api.get(gc ? '/stats?gc=1' : '/stats', undefined, { readBody: true, check: { status: 200 }, throwOnCheck: true })
  return res.json<KvStats>()
}
