import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isRouteName, type RouteHandlers, type RouteName } from './routes.ts'
import type { BrokerAddress, BrokerFailure } from './wire.ts'

/** A running broker: the address workers get through inject, and close(). */
export interface BrokerServer {
  address: BrokerAddress
  close(): Promise<void>
}

interface Answer {
  status: number
  /** JSON text; none for 204. */
  body?: string
}

const refuse = (status: number, message: string): Answer => ({
  status,
  body: JSON.stringify({ code: 'PERF_INFRA_BROKER', message } satisfies BrokerFailure),
})

/** The code of an error vitest-perf threw on purpose (by code, not class: it may come from another copy of errors.ts). */
function perfCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('PERF_') ? code : undefined
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Starts the broker on loopback: POST /<route> with the bearer token and a JSON body runs that
 * route's handler. A handler's result is the 200 JSON body (204 when it returns nothing); what it
 * throws becomes `{ code, message }`: 422 for a PerfError (the request could not be done), 500
 * for anything else (a bug, also logged). Requests the broker cannot take get 400, 401 or 404.
 */
export async function startBrokerServer(handlers: RouteHandlers, log: (line: string) => void = () => {}): Promise<BrokerServer> {
  const token = randomBytes(16).toString('hex')

  async function run(route: RouteName, request: unknown): Promise<Answer> {
    try {
      const result = await (handlers[route] as (request: unknown) => unknown)(request)
      return result === undefined ? { status: 204 } : { status: 200, body: JSON.stringify(result) }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const code = perfCode(e)
      if (code) return { status: 422, body: JSON.stringify({ code, message } satisfies BrokerFailure) }
      log(`vitest-perf: the broker's ${route} route failed: ${e instanceof Error ? e.stack : message}`)
      return { status: 500, body: JSON.stringify({ code: 'PERF_INFRA_BROKER', message } satisfies BrokerFailure) }
    }
  }

  async function answer(req: IncomingMessage): Promise<Answer> {
    if (req.headers.authorization !== `Bearer ${token}`) return refuse(401, 'bad token')
    const route = new URL(req.url ?? '/', 'http://broker').pathname.slice(1)
    if (!isRouteName(route) || typeof handlers[route] !== 'function') return refuse(404, `unknown route ${req.url}`)
    if (req.method !== 'POST') return refuse(405, `${req.method} ${req.url}: the broker takes POST only`)
    let request: unknown
    try {
      request = JSON.parse(await readBody(req))
    } catch {
      return refuse(400, `bad request body for ${route}: not JSON`)
    }
    return run(route, request)
  }

  const http = createServer((req, res) => {
    answer(req)
      .catch((e: unknown): Answer => refuse(500, `the broker failed to read the request: ${String(e)}`))
      .then(({ status, body }) => {
        if (body === undefined) res.writeHead(status).end()
        else res.writeHead(status, { 'content-type': 'application/json' }).end(body)
      })
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = http.address() as AddressInfo
  return {
    address: { url: `http://127.0.0.1:${port}`, token },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeIdleConnections()
      }),
  }
}
