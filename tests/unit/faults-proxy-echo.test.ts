import { createHash } from 'node:crypto'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerfFaultError } from '../../src/faults/proxy-errors.ts'
import { closeAllProxies, startProxy, withProxy, type TcpProxy } from '../../src/faults/proxy.ts'

// A TCP echo server stands in for a database: these tests are about the proxy's mechanics.
let echo: Server
let upstream: { host: string; port: number }

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s).on('error', () => {}))
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  upstream = { host: '127.0.0.1', port: (echo.address() as AddressInfo).port }
})
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())))

interface Client {
  socket: Socket
  received: () => string
  waitFor: (text: string) => Promise<number>
}

async function client(proxy: TcpProxy): Promise<Client> {
  const socket = connect(proxy.port, proxy.host)
  socket.setNoDelay(true)
  let text = ''
  socket.on('data', (d) => (text += d.toString()))
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const waitFor = (expected: string) =>
    new Promise<number>((resolve) => {
      const t0 = performance.now()
      const check = () => (text.endsWith(expected) ? resolve(performance.now() - t0) : socket.once('data', check))
      check()
    })
  return { socket, received: () => text, waitFor }
}

function outcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    socket.once('close', () => resolve('closed'))
  })
}

describe('fault proxy mechanics', () => {
  it('forwards both ways and counts connections and bytes', async () => {
    await using proxy = await startProxy({ upstream })
    const a = await client(proxy)
    a.socket.write('hello')
    await a.waitFor('hello')
    expect(proxy.stats()).toEqual({ connections: { total: 1, active: 1 }, bytes: { upstream: 5, downstream: 5 } })
    a.socket.end()
    await outcome(a.socket)
    await expect.poll(() => proxy.stats().connections.active).toBe(0)
    expect(proxy.stats().bytes).toEqual({ upstream: 5, downstream: 5 })
  })

  it('applies a toxic to open connections; removing it releases held data at once, in order', async () => {
    await using proxy = await startProxy({ upstream })
    const a = await client(proxy)
    proxy.addToxic({ type: 'latency', attributes: { latency: 2000 } })
    a.socket.write('a')
    a.socket.write('b')
    await new Promise((r) => setTimeout(r, 50))
    expect(a.received()).toBe('')
    proxy.removeToxic('latency_downstream')
    expect(await a.waitFor('ab')).toBeLessThan(500)
    a.socket.write('c')
    expect(await a.waitFor('abc')).toBeLessThan(200)
  })

  it('adds latencies of two toxics up, across directions', async () => {
    await using proxy = await startProxy({ upstream })
    const a = await client(proxy)
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 60 } })
    proxy.addToxic({ type: 'latency', name: 'more', attributes: { latency: 60 } })
    a.socket.write('x')
    expect(await a.waitFor('x')).toBeGreaterThanOrEqual(119)
  })

  it('draws the toxicity once per connection', async () => {
    await using proxy = await startProxy({ upstream })
    proxy.addToxic({ type: 'latency', toxicity: 0, attributes: { latency: 1000 } })
    const a = await client(proxy)
    a.socket.write('never delayed')
    expect(await a.waitFor('never delayed')).toBeLessThan(500)
    proxy.removeToxic('latency_downstream')
    proxy.addToxic({ type: 'latency', toxicity: 1, attributes: { latency: 100 } })
    a.socket.write('!')
    expect(await a.waitFor('!')).toBeGreaterThanOrEqual(99)
  })

  it('removes a toxic at the end of a using block', async () => {
    await using proxy = await startProxy({ upstream })
    {
      using toxic = proxy.addToxic({ type: 'slow_close', attributes: { delay: 10 } })
      expect(proxy.toxics().map((t) => t.name)).toEqual([toxic.name])
    }
    expect(proxy.toxics()).toEqual([])
  })

  it('keeps large transfers intact through toxics, with backpressure', async () => {
    await using proxy = await startProxy({ upstream })
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 1, jitter: 1 } })
    proxy.addToxic({ type: 'slicer', attributes: { average_size: 4096, size_variation: 2048 } })
    const a = await client(proxy)
    const payload = Buffer.alloc(4 << 20)
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i)
    const hash = createHash('sha256')
    let got = 0
    const done = new Promise<void>((resolve) => {
      a.socket.removeAllListeners('data')
      a.socket.on('data', (d: Buffer) => {
        hash.update(d)
        got += d.length
        if (got === payload.length) resolve()
      })
    })
    a.socket.write(payload)
    await done
    expect(hash.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'))
    expect(proxy.stats().bytes).toEqual({ upstream: payload.length, downstream: payload.length })
  })

  it('closes a connection when a timeout toxic that dropped data is removed', async () => {
    await using proxy = await startProxy({ upstream })
    const a = await client(proxy)
    const b = await client(proxy)
    proxy.addToxic({ type: 'timeout', stream: 'upstream' })
    const closed = outcome(a.socket)
    a.socket.write('lost')
    // Loopback delivers in well under this; the toxic must have dropped the bytes before removal.
    await new Promise((r) => setTimeout(r, 100))
    expect(proxy.stats().bytes.upstream).toBe(0)
    proxy.removeToxic('timeout_upstream')
    expect(await closed).toBe('closed')
    // b sent nothing while the toxic was there: its stream is intact and it goes on.
    b.socket.write('kept')
    await b.waitFor('kept')
  })

  it('limit_data upstream lets exactly that many bytes through, then closes both sides', async () => {
    await using proxy = await startProxy({ upstream })
    const a = await client(proxy)
    proxy.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 7 } })
    const closed = outcome(a.socket)
    a.socket.write('0123')
    a.socket.write('456789')
    // As in Toxiproxy the server side is closed outright, so its echo may not make it back.
    expect(await closed).toBe('closed')
    expect(proxy.stats().bytes.upstream).toBe(7)
    expect('0123456'.startsWith(a.received())).toBe(true)
  })

  it('rewrites host and port of a fixture URL', async () => {
    await using proxy = await startProxy({ upstream: { ...upstream, url: `postgres://u:p%40ss@localhost:5432/db?sslmode=disable` } })
    expect(proxy.url()).toBe(`postgres://u:p%40ss@127.0.0.1:${proxy.port}/db?sslmode=disable`)
    expect(proxy.url('redis://127.0.0.1:6379/3')).toBe(`redis://127.0.0.1:${proxy.port}/3`)
    expect(() => proxy.url('not a url')).toThrow(expect.objectContaining({ code: 'PERF_FAULT_PROXY_INVALID' }))
  })

  it('resets the client when the upstream refuses', async () => {
    const closed = await startProxy({ upstream })
    const port = closed.port
    await closed.close()
    await using proxy = await startProxy({ upstream: { host: '127.0.0.1', port } })
    const a = await client(proxy)
    expect(await outcome(a.socket)).toBe('ECONNRESET')
  })
})

describe('fault proxy errors and cleanup', () => {
  it('refuses a second toxic of the same name and names the ones there for an unknown one', async () => {
    await using proxy = await startProxy({ upstream })
    proxy.addToxic({ type: 'latency', attributes: { latency: 1 } })
    expect(() => proxy.addToxic({ type: 'latency', attributes: { latency: 2 } })).toThrow(
      expect.objectContaining({ code: 'PERF_FAULT_TOXIC_EXISTS' }),
    )
    expect(() => proxy.removeToxic('latency')).toThrow(/No toxic named "latency" .* it has "latency_downstream"/)
  })

  it('says which port is taken when it cannot listen', async () => {
    await using first = await startProxy({ upstream })
    const error = await startProxy({ upstream, listen: { port: first.port } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerfFaultError)
    expect(error).toMatchObject({
      code: 'PERF_FAULT_PROXY_LISTEN',
      message: expect.stringContaining(`127.0.0.1:${first.port} (EADDRINUSE)`),
    })
  })

  it('close() closes open connections and the port; calls after it fail clearly', async () => {
    const proxy = await startProxy({ upstream })
    const a = await client(proxy)
    const ended = outcome(a.socket)
    await proxy.close()
    expect(await ended).toBe('closed')
    expect(await outcome(connect(proxy.port, '127.0.0.1'))).toBe('ECONNREFUSED')
    expect(() => proxy.addToxic({ type: 'timeout' })).toThrow(expect.objectContaining({ code: 'PERF_FAULT_PROXY_CLOSED' }))
    await proxy.close()
  })

  it('withProxy closes the proxy when the callback throws', async () => {
    let port = 0
    await expect(
      withProxy(upstream, (proxy) => {
        port = proxy.port
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await outcome(connect(port, '127.0.0.1'))).toBe('ECONNREFUSED')
  })

  it('closeAllProxies() closes the ones left open', async () => {
    await closeAllProxies()
    const left = await startProxy({ upstream })
    expect(await closeAllProxies()).toBe(1)
    expect(await outcome(connect(left.port, '127.0.0.1'))).toBe('ECONNREFUSED')
  })
})
