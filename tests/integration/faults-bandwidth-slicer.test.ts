import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'
import { startProxy } from '../../src/faults/proxy.ts'

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

perfTest('bandwidth: a large pg result takes size / rate, proportionally to its size', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const direct = new pg.Client({ connectionString: postgres.url })
  const proxied = new pg.Client({ connectionString: proxy.url() })
  await Promise.all([direct.connect(), proxied.connect()])
  try {
    const query = (c: pg.Client, kb: number) => c.query(`select repeat('x', ${kb * 1000}) as payload`)
    const directMs = await timed(() => query(direct, 300))
    // 200 KB/s: 100 KB take 0.5 s, 300 KB take 1.5 s.
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 200 } })
    let rows: { payload: string }[] = []
    const small = await timed(async () => ({ rows } = await query(proxied, 100)))
    expect(rows[0].payload).toHaveLength(100_000)
    const large = await timed(async () => ({ rows } = await query(proxied, 300)))
    expect(rows[0].payload).toHaveLength(300_000)
    expect(directMs).toBeLessThan(200)
    expect(small).toBeGreaterThanOrEqual(500 * 0.95)
    expect(small).toBeLessThan(500 + 700)
    expect(large).toBeGreaterThanOrEqual(1500 * 0.95)
    expect(large).toBeLessThan(1500 + 1000)
    expect(large / small).toBeGreaterThan(2)
    expect(large / small).toBeLessThan(4)
  } finally {
    await Promise.all([direct.end(), proxied.end()])
  }
})

perfTest('bandwidth upstream: a large insert is slowed, the answer is not', async ({ postgres }) => {
  await using proxy = await startProxy({ upstream: postgres })
  const c = new pg.Client({ connectionString: proxy.url() })
  await c.connect()
  try {
    proxy.addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 500 } })
    expect(await timed(() => c.query('select 1'))).toBeLessThan(250)
    const elapsed = await timed(() => c.query('select length($1::text) as n', ['y'.repeat(500_000)]))
    expect(elapsed).toBeGreaterThanOrEqual(1000 * 0.95)
    expect(elapsed).toBeLessThan(1000 + 1000)
  } finally {
    await c.end()
  }
})

perfTest('slicer: a redis value arrives intact but in many small chunks', async ({ redis }) => {
  await using proxy = await startProxy({ upstream: redis })
  const direct = new Redis(redis.url, { keyPrefix: redis.keyPrefix })
  const proxied = new Redis(proxy.url(), { keyPrefix: redis.keyPrefix })
  try {
    const value = randomBytes(10_000).toString('hex')
    await direct.set('sliced', value)
    await proxied.ping()
    const chunksOf = async (client: Redis) => {
      let chunks = 0
      const count = () => chunks++
      client.stream.on('data', count)
      const got = await client.get('sliced')
      client.stream.off('data', count)
      return { got, chunks }
    }
    const before = await chunksOf(proxied)
    proxy.addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 50, delay: 200 } })
    const after = await chunksOf(proxied)
    expect(before.got).toBe(value)
    expect(after.got).toBe(value)
    expect(before.chunks).toBeLessThanOrEqual(5)
    // 20 000 bytes in pieces of 50…150 bytes: at least 133 pieces; the kernel may merge a few.
    expect(after.chunks).toBeGreaterThanOrEqual(60)
  } finally {
    direct.disconnect()
    proxied.disconnect()
  }
})
