import diagnostics from 'node:diagnostics_channel'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { http, PerfHttpHostError } from '../../src/http/index.ts'

let server: Server
let port: number
let connections = 0

beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'))
  server.on('connection', () => connections++)
  // All interfaces of the loopback device only: 127.0.0.0/8 reaches it on Linux.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

it.each([
  ['127.0.0.1', 'undici'],
  ['localhost', 'undici'],
  ['127.0.0.1', 'wire'],
  ['localhost', 'wire'],
] as const)('%s is loaded without any allowlist (%s)', async (host, transport) => {
  await using api = http.client(`http://${host}:${port}`, { transport })
  const res = await api.get('/', undefined, { readBody: true })
  expect(res.status).toBe(200)
  expect(res.text()).toBe('ok')
})

it('the socket probe used by the refusal test does see real connections', async () => {
  const sockets: unknown[] = []
  const listener = (message: unknown) => sockets.push(message)
  diagnostics.subscribe('net.client.socket', listener)
  try {
    await using api = http.client(`http://127.0.0.1:${port}`)
    await api.get('/')
  } finally {
    diagnostics.unsubscribe('net.client.socket', listener)
  }
  expect(sockets.length).toBe(1)
})

it('a refused host never reaches the loopback server either', () => {
  const before = connections
  expect(() => http.client(`http://192.0.2.1:${port}`)).toThrow(PerfHttpHostError)
  expect(connections).toBe(before)
})
