import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { listenOnLoopback, type LoopbackService } from '../shared/loopback.ts'

// The system under test: a small replicated key-value store whose cost grows with the payload.
// A write goes to every replica, which compresses it and keeps its SHA-256 (as separate nodes
// would); a read decompresses the replica it is served from and verifies the checksum. Every step walks every byte, so bigger
// payloads mean fewer requests per second.
//   PUT /data/:key  201, the value replicated;  GET /data/:key  200 with the value, 404 when missing

export interface ReplicatedStoreOptions {
  /** Copies kept of every value (default 3). */
  replicas?: number
}

export type ReplicatedStore = LoopbackService

interface Copy {
  compressed: Buffer
  sha256: string
}

const digest = (b: Buffer) => createHash('sha256').update(b).digest('base64')

export async function startReplicatedStore(options: ReplicatedStoreOptions = {}): Promise<ReplicatedStore> {
  const replicas = Array.from({ length: options.replicas ?? 3 }, () => new Map<string, Copy>())
  let reads = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = req.url ?? '/'
      if (!url.startsWith('/data/')) return res.writeHead(404).end()
      const key = url.slice(6)
      if (req.method === 'PUT') {
        const body = Buffer.concat(chunks)
        for (const replica of replicas) replica.set(key, { compressed: deflateRawSync(body), sha256: digest(body) })
        return res.writeHead(201).end()
      }
      // Reads go round-robin over the replicas.
      const copy = replicas[reads++ % replicas.length].get(key)
      if (copy === undefined) return res.writeHead(404).end()
      const value = inflateRawSync(copy.compressed)
      if (digest(value) !== copy.sha256) return res.writeHead(500).end('corrupt replica')
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(value)
    })
  })
  return listenOnLoopback(server)
}
