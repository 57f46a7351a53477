import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, expect } from 'vitest'
import { expectPerformance, http, perfTest } from '../../src/index.ts'
import { seedCatalogue, TERMS } from '../../bench/verdict-service/stack.ts'

// The recipe of docs/app-placement.md, "In a child process", step by step, on the service that
// bench:placement measures: if this test breaks, the guide's recipe is broken too.

const APP = new URL('../../bench/verdict-service/app.ts', import.meta.url).pathname
let app: ChildProcess | undefined

afterAll(async () => {
  if (!app || app.exitCode !== null || app.signalCode !== null) return
  const kill = setTimeout(() => app!.kill('SIGKILL'), 5000)
  app.kill('SIGTERM')
  await once(app, 'exit')
  clearTimeout(kill)
})

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Ready means a real request answers: the port is open and the app reaches its databases. */
async function waitUntilReady(url: string, child: ChildProcess, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the app exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was ready`)
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.ok) return
      last = `HTTP ${res.status}`
    } catch (e) {
      last = String((e as Error).cause ?? e)
    }
    await sleep(100)
  }
  throw new Error(`${url} did not answer within ${ms} ms (last: ${last})`)
}

perfTest('an app in a child process: the monitor samples it and toHaveNoLeak({ process }) judges it', async ({ postgres, redis, run }) => {
  const stores = { pgUrl: postgres.url, redisUrl: redis.url, redisPrefix: redis.keyPrefix! }
  await seedCatalogue(stores)
  const port = await freePort()
  app = spawn(process.execPath, [APP], {
    env: {
      ...process.env,
      APP_PG_URL: stores.pgUrl,
      APP_REDIS_URL: stores.redisUrl,
      APP_REDIS_PREFIX: stores.redisPrefix,
      APP_PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  await waitUntilReady(`${url}/items?q=1`, app)

  await using api = http.client(url)
  const items = api.template({ path: '/items?q={q}&leakKb={kb}', check: { status: 200 }, throwOnCheck: true })
  const load = (name: string, kb: number, duration = '8s') =>
    run(
      { executor: 'constant-arrival-rate', rate: 50, duration, maxVUs: 50 },
      async (ctx) => {
        await items(ctx, { q: ctx.iteration % TERMS, kb })
      },
      { name, monitor: { servers: [{ service: 'app', pid: app!.pid }] } },
    )

  await load('warm-up', 0, '3s')
  const clean = await load('healthy app', 0)
  expect(clean.failed, JSON.stringify(clean.errors.byKind)).toBe(0)
  const samples = clean.resources.map((s) => s.servers?.app)
  expect(samples.length).toBeGreaterThanOrEqual(5)
  for (const s of samples) {
    expect(s?.pid).toBe(app.pid)
    expect(s?.rss).toBeGreaterThan(20 * 2 ** 20)
    expect(s?.cpu).toBeGreaterThanOrEqual(0)
  }
  expect(clean.cpu?.servers?.app).toBeGreaterThan(0)
  // A run of seconds is no soak: the RSS of a healthy app can step by megabytes (heap growth), so
  // the limit here only has to tell a healthy app from a leaking one.
  expectPerformance(clean).toHaveNoLeak({ process: 'app', rss: '< 100MB/min' })

  // 256 KiB kept per request at 50/s: about 750 MB/min, all of it in the app's RSS.
  const leaking = await load('app keeping 256 KiB per request', 256)
  expect(() => expectPerformance(leaking).toHaveNoLeak({ process: 'app', rss: '< 100MB/min' })).toThrow(/^Leak in process "app"/)
  // What grew is the app's memory, seen from outside it.
  expect(leaking.resources.at(-1)!.servers!.app.rss! - leaking.resources[0].servers!.app.rss!).toBeGreaterThan(20 * 2 ** 20)
})
