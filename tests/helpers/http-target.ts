import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpTarget {
  url: string
  port: number
  /** Requests answered so far. */
  served: () => number
  /** Makes every request arriving in the next `ms` wait until the stall ends. */
  stall: (ms: number) => void
  close: () => Promise<void>
}

/** A loopback HTTP server that answers after `delayMs`, for engine tests. */
export async function startHttpTarget(delayMs = 0): Promise<HttpTarget> {
  let served = 0
  let stalledUntil = 0
  const server: Server = createServer((req, res) => {
    const now = performance.now()
    const due = Math.max(now + delayMs, stalledUntil)
    // Timers may fire up to a millisecond early against performance.now(): wait until truly due.
    const check = () => {
      const left = due - performance.now()
      if (left <= 0) {
        served++
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end('ok')
      } else if (left > 2) setTimeout(check, left - 1)
      else setImmediate(check)
    }
    check()
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    served: () => served,
    stall: (ms) => {
      stalledUntil = performance.now() + ms
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
