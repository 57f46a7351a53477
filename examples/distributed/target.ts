import { createServer } from 'node:http'
import { listenOnLoopback } from '../shared/loopback.ts'

export interface Target {
  url: string
  /** What /metrics reports: requests received and responses sent. */
  counts(): { requests: number; responses: number }
  close(): Promise<void>
}

/** The system under test of the distributed scenario: /ping answers "pong", /metrics counts. */
export async function startTarget(delayMs = 1): Promise<Target> {
  let requests = 0
  let responses = 0
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ requests, responses }))
    }
    if (req.url !== '/ping') {
      res.writeHead(404)
      return res.end()
    }
    requests++
    setTimeout(() => {
      responses++
      res.end('pong')
    }, delayMs)
  })
  server.keepAliveTimeout = 60_000
  return { ...(await listenOnLoopback(server)), counts: () => ({ requests, responses }) }
}
