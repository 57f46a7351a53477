import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TurnBook } from './turn-book.ts'
import type { DoneRequest, RunRef, TestRequest, TurnRequest } from './wire.ts'

export interface Coordinator {
  url: string
  token: string
  close(): Promise<void>
}

/** How long one /turn request is held before it answers "not yet" (the client asks again). */
const HOLD_MS = 20_000

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/**
 * The turn-taking coordinator of vitest-perf ab on loopback, guarded by a random token as the
 * broker is: POST /turn (held until granted, at most 20 s), /done, /end, /enter, /leave.
 */
export async function startCoordinator(book: TurnBook): Promise<Coordinator> {
  const token = randomBytes(16).toString('hex')
  const routes: Record<string, (body: unknown) => unknown> = {
    turn: (body) => book.turn(body as TurnRequest, Math.min(HOLD_MS, (body as TurnRequest).waitMs ?? HOLD_MS)),
    done: (body) => book.done(body as DoneRequest),
    end: (body) => book.end(body as RunRef),
    enter: (body) => book.enter(body as TestRequest),
    leave: (body) => book.leave(body as TestRequest),
  }
  const http = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://ab').pathname.slice(1)]
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end()
    if (!route || req.method !== 'POST') return void res.writeHead(404).end()
    readJson(req)
      .then(route)
      .then(
        (result) => (result === undefined ? res.writeHead(204).end() : res.writeHead(200).end(JSON.stringify(result))),
        (e: unknown) => res.writeHead(400).end(JSON.stringify({ message: String(e) })),
      )
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = http.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      }),
  }
}
