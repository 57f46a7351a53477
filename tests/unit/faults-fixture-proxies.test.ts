import { connect, createServer, type AddressInfo, type Server } from 'node:net'
import { afterAll, beforeAll, expect } from 'vitest'
import { startProxy, type TcpProxy } from '../../src/faults/proxy.ts'
import { perfTest } from '../../src/runtime/perf-test.ts'

// The faults fixture closes what its test opened, and nothing else: a proxy of beforeAll serves
// every test of the file. An echo server on loopback stands in for the database.
let echo: Server
let upstream: { host: string; port: number }
let shared: TcpProxy

/** Sends text through a port and resolves with the echo, or with the connection error's code. */
function roundTrip(port: number, text = 'ping'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let got = ''
    socket.on('data', (d) => {
      got += d.toString()
      if (got === text) {
        socket.destroy()
        resolve(got)
      }
    })
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })
}

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s).on('error', () => {}))
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  upstream = { host: '127.0.0.1', port: (echo.address() as AddressInfo).port }
  shared = await startProxy({ upstream })
})
afterAll(async () => {
  await shared.close()
  await new Promise<void>((resolve) => echo.close(() => resolve()))
})

let ownPort = 0

perfTest('a test opens a proxy and a toxic on the shared one through the faults fixture', async ({ faults }) => {
  const own = await faults.startProxy({ upstream })
  ownPort = own.port
  await faults.toxic(shared, { type: 'latency', attributes: { latency: 1 } }).start()
  expect(shared.toxics().map((t) => t.name)).toEqual(['latency_downstream'])
  expect(await roundTrip(own.port)).toBe('ping')
})

perfTest('after its teardown the beforeAll proxy still forwards, without the toxic; its own proxy is closed', async () => {
  expect(ownPort).toBeGreaterThan(0)
  expect(await roundTrip(shared.port)).toBe('ping')
  expect(shared.toxics()).toEqual([])
  expect(await roundTrip(ownPort)).toBe('ECONNREFUSED')
})
