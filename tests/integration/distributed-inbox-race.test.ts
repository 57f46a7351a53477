import { Redis } from 'ioredis'
import { expect } from 'vitest'
import { perfTest } from '../../src/runtime/perf-test.ts'
import { runDriver } from '../../src/distributed/driver.ts'
import { keys } from '../../src/distributed/keys.ts'
import { loadKey } from '../../src/distributed/signing.ts'
import { driverKeyFile } from '../../examples/distributed/drivers.ts'
import { startTarget } from '../../examples/distributed/target.ts'

const LOAD = new URL('../../examples/distributed/ping-load.ts', import.meta.url)

// The race: a driver registers, a coordinator claims it at once and sends the spec, and only then
// does the driver make its first read of the inbox. Reading from '$' then missed the spec for
// good; the position is now taken before registering, so the late first read still finds it.
perfTest('a spec sent between registering and the first read of the inbox is not lost', { timeout: 60_000 }, async ({ redis, run }) => {
  const prefix = `race-${process.pid}`
  const k = keys(prefix)
  const watcher = new Redis(redis.url)
  const target = await startTarget()
  const controller = new AbortController()
  const lines: string[] = []
  let specWaiting = false
  const driver = runDriver({
    redis: redis.url,
    id: `${prefix}-d1`,
    prefix,
    key: loadKey(driverKeyFile()),
    runs: 1,
    signal: controller.signal,
    log: (line) => lines.push(line),
    // Hold the first read back until the coordinator's spec is in the inbox.
    beforeFirstRead: async () => {
      for (let i = 0; i < 200 && (await watcher.xlen(k.inbox(`${prefix}-d1`))) === 0; i++) await new Promise((r) => setTimeout(r, 50))
      specWaiting = (await watcher.xlen(k.inbox(`${prefix}-d1`))) > 0
    },
  })
  try {
    const result = await run(
      {
        executor: 'constant-vus',
        vus: 1,
        duration: '1s',
        distributed: { redis: redis.url, drivers: 1, prefix, keyFile: driverKeyFile(), waitFor: '10s' },
      },
      { module: LOAD, data: { url: target.url } },
    )
    expect(specWaiting).toBe(true)
    expect(result.shards?.map((s) => s.id)).toEqual([`${prefix}-d1`])
    expect(result.iterations).toBeGreaterThan(0)
    expect(result.droppedMessages).toEqual({ unsigned: 0, badSignature: 0, replayed: 0, invalid: 0 })
    expect(await driver).toBe(0)
  } finally {
    controller.abort()
    await driver.catch(() => {})
    watcher.disconnect()
    await target.close()
  }
  expect(lines.join('\n')).toContain('done')
})
