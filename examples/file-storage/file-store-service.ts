import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { listenOnLoopback, type LoopbackService } from '../shared/loopback.ts'

// The system under test: a file store over HTTP. Files live in memory behind a "slow disk" (every
// disk read or write waits), with an LRU cache of recently read files in front of the reads.
//   PUT /files/:name  201 new, 200 replaced; writes to disk and drops the cached copy
//   GET /files/:name  200 with the bytes and X-Cache: hit | miss; 404 when missing
//   GET /metrics      Prometheus text: cache, HTTP and file-operation metrics (the names of the
//                     scenario's dashboard: cache_hits_total, http_request_duration_seconds, …)

export interface FileStoreOptions {
  /** Files the LRU cache holds (default 50). */
  cacheCapacity?: number
  /** Wait of one disk read, ms (default 20). */
  diskReadMs?: number
  /** Wait of one disk write, ms (default 10). */
  diskWriteMs?: number
}

export type FileStore = LoopbackService

/** An LRU cache on a Map, whose iteration order is insertion order: the first key is the oldest. */
class Lru {
  private readonly map = new Map<string, Buffer>()
  private readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get size(): number {
    return this.map.size
  }

  get(name: string): Buffer | undefined {
    const hit = this.map.get(name)
    if (hit !== undefined) {
      this.map.delete(name)
      this.map.set(name, hit)
    }
    return hit
  }

  set(name: string, bytes: Buffer): void {
    this.map.delete(name)
    this.map.set(name, bytes)
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!)
  }

  delete(name: string): void {
    this.map.delete(name)
  }
}

function metrics(registry: Registry, capacity: number) {
  const registers = [registry]
  new Gauge({ name: 'cache_capacity', help: 'Cache capacity, files', registers }).set(capacity)
  return {
    hits: new Counter({ name: 'cache_hits_total', help: 'Reads served from the cache', registers }),
    misses: new Counter({ name: 'cache_misses_total', help: 'Reads that went to disk', registers }),
    size: new Gauge({ name: 'cache_size', help: 'Files in the cache', registers }),
    requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'endpoint', 'status'], registers }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    uploads: new Counter({ name: 'file_uploads_total', help: 'File uploads', labelNames: ['status'], registers }),
    downloads: new Counter({ name: 'file_downloads_total', help: 'File downloads', labelNames: ['status'], registers }),
  }
}

export async function startFileStore(options: FileStoreOptions = {}): Promise<FileStore> {
  const { cacheCapacity = 50, diskReadMs = 20, diskWriteMs = 10 } = options
  const disk = new Map<string, Buffer>()
  const cache = new Lru(cacheCapacity)
  const registry = new Registry()
  const m = metrics(registry, cacheCapacity)

  const files = async (req: IncomingMessage, res: ServerResponse, name: string, body: Buffer): Promise<number> => {
    if (req.method === 'PUT') {
      await sleep(diskWriteMs)
      const status = disk.has(name) ? 200 : 201
      disk.set(name, body)
      cache.delete(name)
      m.uploads.inc({ status: 'success' })
      res.writeHead(status).end()
      return status
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET, PUT' }).end()
      return 405
    }
    let bytes = cache.get(name)
    const hit = bytes !== undefined
    if (hit) m.hits.inc()
    else {
      m.misses.inc()
      await sleep(diskReadMs)
      bytes = disk.get(name)
      if (bytes !== undefined) cache.set(name, bytes)
    }
    m.size.set(cache.size)
    if (bytes === undefined) {
      m.downloads.inc({ status: 'not_found' })
      res.writeHead(404, { 'x-cache': 'miss' }).end()
      return 404
    }
    m.downloads.inc({ status: 'success' })
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-cache': hit ? 'hit' : 'miss' }).end(bytes)
    return 200
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = req.url ?? '/'
      if (url === '/metrics') {
        void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
        return
      }
      if (!url.startsWith('/files/') || url.length === 7) {
        res.writeHead(404).end()
        return
      }
      let name: string
      try {
        name = decodeURIComponent(url.slice(7))
      } catch {
        res.writeHead(400).end('bad file name encoding')
        return
      }
      const started = performance.now()
      const labels = { method: req.method ?? 'GET', endpoint: '/files/:name' }
      void files(req, res, name, Buffer.concat(chunks)).then((status) => {
        m.requests.inc({ ...labels, status: String(status) })
        m.duration.observe(labels, (performance.now() - started) / 1000)
      })
    })
  })
  return listenOnLoopback(server)
}
