import pg from 'pg'
import { expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'

// Connection exhaustion injected 2 s into a run whose workflow opens a connection per iteration:
// errors are classified, the window shows in the result and timeline, recovery is measured. The
// window is 4 s: filling ~100 slots with SCRAM logins takes the fault ~2 s on a busy 2-core machine,
// and the server is full only from then on. 10 logins a second: at 30, the load's own logins beside
// a busy neighbour core kept the one free core saturated (logins timed out before the fault began).
perfTest('connection exhaustion during a run: classified errors, fault window, recovery time', async ({ postgres, faults, run }) => {
  const result = await run(
    { executor: 'constant-arrival-rate', rate: 10, duration: '9s', maxVUs: 40 },
    async () => {
      const c = new pg.Client({ connectionString: postgres.url, connectionTimeoutMillis: 2000 })
      c.on('error', () => {})
      try {
        await c.connect()
        await c.query('select 1')
      } finally {
        await c.end().catch(() => {})
      }
    },
    { faults: [{ at: '2s', duration: '4s', fault: faults.connectionExhaustion(postgres) }] },
  )
  expect(result.errors.byKind, JSON.stringify(result.errors.byKind)).toHaveProperty(['53300 too_many_connections'])
  expect(result.errors.byKind['53300 too_many_connections'].count).toBeGreaterThan(10)
  const [impact] = result.faults!
  expect(impact.name).toBe('connection exhaustion (postgres)')
  expect(impact.start).toBeGreaterThanOrEqual(1.9)
  expect(impact.end - impact.start).toBeGreaterThanOrEqual(3.9)
  expect(impact.error).toBeUndefined()
  expect(impact.errors).toBeGreaterThan(10)
  expect(impact.before.errorRate).toBe(0)
  expect(impact.recoveryMs).not.toBeNull()
  expect(result.timeline.filter((p) => p.faults?.includes(impact.name)).length).toBeGreaterThanOrEqual(2)
  expect(result.timeline[0].faults).toBeUndefined()
  expectPerformance(result).toRecoverWithin('3s')
  expect(() => expectPerformance(result).toRecoverWithin('0ms')).toThrow(
    /connection exhaustion \(postgres\) [\d.]+s–[\d.]+s: \d+ errors in \d+ iterations during it; recovered after \d+ ms/,
  )
})

perfTest('a proxy toxic scheduled in a run shows as a latency window and recovers', async ({ redis, faults, run }) => {
  const { Redis } = await import('ioredis')
  const proxy = await faults.startProxy({ upstream: redis })
  const client = new Redis(proxy.url(redis.url), { maxRetriesPerRequest: 1 })
  try {
    const result = await run(
      { executor: 'constant-arrival-rate', rate: 50, duration: '6s', maxVUs: 50 },
      async () => {
        await client.ping()
      },
      {
        faults: [{ at: '2s', duration: '2s', fault: faults.toxic(proxy, { type: 'latency', attributes: { latency: 80 } }) }],
        // A Redis PING's p95 is ~2 ms before the fault; beside a busy neighbour core a calm second
        // after it read 4.3 ms, over the default 1.5 × 2 + 1 ms. Recovered here means far below
        // the toxic's 80 ms: within 4× of before.
        recovery: { p95Factor: 4 },
      },
    )
    const [impact] = result.faults!
    expect(impact.name).toBe('latency (downstream)')
    const during = result.timeline.filter((p) => p.faults && p.t > impact.start)
    expect(Math.max(...during.map((p) => p.p50))).toBeGreaterThan(60)
    expect(impact.before.p95).toBeLessThan(40)
    expect(impact.recoveryMs).not.toBeNull()
    expectPerformance(result).toRecoverWithin('2s')
  } finally {
    client.disconnect()
  }
})

// Needs the local provider (restart keeps port and data); elsewhere it says it is not supported.
perfTest('a server restart during a run: errors while it is down, then recovery', async ({ redis, faults, run }) => {
  if (redis.provider !== 'local') {
    await expect(redis.restart()).rejects.toMatchObject({ code: 'PERF_FAULT_UNSUPPORTED' })
    return
  }
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 })
  client.on('error', () => {})
  try {
    const result = await run(
      { executor: 'constant-arrival-rate', rate: 50, duration: '6s', maxVUs: 50 },
      async () => {
        await client.ping()
      },
      { faults: [{ at: '2s', duration: '1s', fault: faults.restartServer(redis) }] },
    )
    expect(result.failed).toBeGreaterThan(0)
    expect(result.faults![0].name).toBe('restart redis')
    expect(result.faults![0].recoveryMs).not.toBeNull()
    expect(await client.ping()).toBe('PONG')
  } finally {
    client.disconnect()
  }
})

// A frozen server (SIGSTOP locally, docker pause for a container): requests hang during the
// fault, then complete; latency from the planned start shows the stall.
perfTest('a paused server stalls requests for the fault window, then they complete', async ({ redis, faults, run }) => {
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
  try {
    const result = await run(
      { executor: 'constant-arrival-rate', rate: 40, duration: '6s', maxVUs: 100 },
      async () => {
        await client.ping()
      },
      {
        faults: [{ at: '2s', duration: '1s', fault: faults.pauseServer(redis) }],
        // As above: a sub-ms PING's p95 after the backlog drains can read a few ms on a noisy
        // machine (CI once saw no second within 1.5 × + 1 ms in the two after it). Recovered
        // here means far below the 1 s stall: within 4× of before, within three calm seconds.
        recovery: { p95Factor: 4 },
      },
    )
    expect(result.failed).toBe(0)
    expect(result.latency.max).toBeGreaterThan(700)
    expect(result.faults![0]).toMatchObject({ name: 'pause redis' })
    expect(result.faults![0].recoveryMs).not.toBeNull()
  } finally {
    client.disconnect()
  }
})
