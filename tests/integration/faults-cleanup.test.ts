import { connect } from 'node:net'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { closeAllProxies, startProxy, withProxy } from '../../src/faults/proxy.ts'

// Each `.fails` test throws inside a fault scope (so it passes by failing); the test after it
// checks that nothing of that scope is left: the port refuses and the client was disconnected.
function portState(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve('open')
    })
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })
}

interface Left {
  port: number
  clientClosed: Promise<string>
  /** Set just before the deliberate throw, so the test failed for that reason and no other. */
  threw?: boolean
}

async function hangingClient(url: string): Promise<{ client: pg.Client; closed: Promise<string> }> {
  const client = new pg.Client({ connectionString: url })
  const closed = new Promise<string>((resolve) => {
    client.on('error', (e) => resolve(e.message))
    client.on('end', () => resolve('end'))
  })
  await client.connect()
  return { client, closed }
}

let fromCallback: Left | undefined
let fromUsing: Left | undefined

perfTest.fails('throws inside withProxy while a query hangs on a timeout toxic', async ({ postgres }) => {
  await withProxy(postgres, async (proxy) => {
    const { client, closed } = await hangingClient(proxy.url())
    fromCallback = { port: proxy.port, clientClosed: closed }
    proxy.addToxic({ type: 'timeout' })
    const hanging = client.query('select 1').catch(() => {})
    await Promise.race([hanging, new Promise((r) => setTimeout(r, 100))])
    fromCallback.threw = true
    throw new Error('the test fails inside the fault scope')
  })
})

perfTest('after it, the withProxy port is closed and the client disconnected', async () => {
  expect(fromCallback?.threw).toBe(true)
  expect(await portState(fromCallback!.port)).toBe('ECONNREFUSED')
  expect(await fromCallback!.clientClosed).toMatch(/end|terminated/)
})

perfTest.fails('throws inside an await using scope with toxics on both directions', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const { closed } = await hangingClient(proxy.url())
  fromUsing = { port: proxy.port, clientClosed: closed }
  proxy.addToxic({ type: 'latency', attributes: { latency: 10_000 } })
  proxy.addToxic({ type: 'slow_close', stream: 'upstream', attributes: { delay: 60_000 } })
  expect(proxy.stats().connections.active).toBe(1)
  fromUsing.threw = true
  throw new Error('the test fails inside the fault scope')
})

perfTest('after it, the await using port is closed at once, not after the toxics ran', async () => {
  expect(fromUsing?.threw).toBe(true)
  expect(await portState(fromUsing!.port)).toBe('ECONNREFUSED')
  expect(await fromUsing!.clientClosed).toMatch(/end|terminated/)
  expect(await closeAllProxies()).toBe(0)
})

perfTest('a proxy taken down inside a failing scope is not brought up again', async ({ postgres }) => {
  let port = 0
  await expect(
    withProxy({ upstream: postgres }, async (proxy) => {
      port = proxy.port
      const down = proxy.addToxic({ type: 'down' })
      await proxy.close()
      // Removing the down toxic of a closed proxy must not listen again.
      down.remove()
      throw new Error('boom')
    }),
  ).rejects.toThrow('boom')
  expect(await portState(port)).toBe('ECONNREFUSED')
})
