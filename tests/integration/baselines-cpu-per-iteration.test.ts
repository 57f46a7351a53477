import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { matchBaseline, type BaselineContext } from '../../src/baselines/matcher.ts'
import { formatComparison } from '../../src/baselines/format.ts'
import { PerfRegressionError } from '../../src/core/errors.ts'
import { http } from '../../src/http/index.ts'
import { runLoad } from '../../src/run/run-load.ts'

const apps: ChildProcess[] = []
const root = mkdtempSync(path.join(tmpdir(), 'vp-cpu-'))

afterAll(() => {
  for (const app of apps) app.kill()
  rmSync(root, { recursive: true, force: true })
})

/** The fixture app in a child process, hashing `work` × 16 KiB per request. */
async function startApp(work: number): Promise<{ pid: number; url: string }> {
  const app = spawn(process.execPath, [new URL('../fixtures/cpu-app/server.mjs', import.meta.url).pathname], {
    env: { ...process.env, WORK: String(work) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  apps.push(app)
  const [port] = await once(app.stdout!, 'data')
  return { pid: app.pid!, url: `http://127.0.0.1:${String(port).trim()}` }
}

async function measure(app: { pid: number; url: string }) {
  await using api = http.client(app.url)
  // Warm-up first: a cold app's first repetition spends several times the CPU per request (JIT).
  await runLoad({ executor: 'constant-vus', vus: 2, duration: '500ms' }, () => api.get('/order').then(() => {}), {
    attach: false,
    probe: false,
  })
  return await runLoad(
    { executor: 'constant-vus', vus: 2, duration: '600ms' },
    async () => {
      await api.get('/order')
    },
    { attach: false, repeat: 5, monitor: { servers: [{ service: 'app', pid: app.pid }] } },
  )
}

const ctx: BaselineContext = { root, baselines: 'baselines', testPath: path.join(root, 'app.perf.test.ts'), testName: 'app', update: 'new' }

it('records the CPU per iteration of an app in a child process, and judges 4× the work per request a REGRESSION of cpu.app', async () => {
  const before = await startApp(8)
  const baseline = await measure(before)
  expect(baseline.errors, JSON.stringify({ cpu: baseline.cpu, it: baseline.iterations, e: baseline.errors })).toMatchObject({ count: 0 })
  expect(baseline.cpu!.servers!.app).toBeGreaterThan(0)
  expect(baseline.repetitions).toHaveLength(5)
  for (const r of baseline.repetitions!) {
    expect(r.cpuPerIteration!.servers!.app).toBeGreaterThan(0)
    expect(r.probe!.after).toBeGreaterThan(0)
  }
  await matchBaseline(baseline, ctx)

  const after = await startApp(32)
  const current = await measure(after)
  let error: unknown
  try {
    await matchBaseline(current, ctx, { maxReruns: 0 })
  } catch (e) {
    error = e
  }
  const c = current.baseline!
  const app = c.metrics.find((m) => m.metric === 'cpu.app')!
  expect(app.verdict, formatComparison(c, 'cpu.app')).toBe('REGRESSION')
  expect(app.change).toBeGreaterThan(0.5)
  expect(app.noise).toBeDefined()
  expect(error).toBeInstanceOf(PerfRegressionError)
  expect((error as Error).message).toMatch(/cpu\.app\s+\S+ms\s+\S+ms\s+\+\d+\.\d%/)
  expect((error as Error).message).toMatch(/more CPU per iteration \(.*cpu\.app.*\)/)
})
