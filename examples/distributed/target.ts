import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ requests, responses }),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
