import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { perfTest } from '../../src/runtime/perf-test.ts'
import { driverKeyFile, startDrivers, stopDrivers, type Driver } from '../../examples/distributed/drivers.ts'
import { keys, fields } from '../../src/distributed/keys.ts'
import { Signer, Verifier } from '../../src/distributed/signing.ts'

// A hostile writer to Redis against one real driver process: every refusal leaves nothing run
// and the driver alive, serving the next (valid) spec.
const prefix = `refuse-${process.pid}`
const k = keys(prefix)
const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-refuse-'))
const root = join(dir, 'project')
const marker = join(dir, 'pwned')
let driver: Driver
let redis: Redis

beforeAll(() => {
  mkdirSync(join(root, 'load'), { recursive: true })
  writeFileSync(join(root, 'load', 'noop.ts'), 'export default function load() { return async () => {} }\n')
  // Outside the root, and reached through a link inside it: importing it would leave a marker.
  writeFileSync(
    join(dir, 'evil.ts'),
    `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'ran')\nexport default () => async () => {}\n`,
  )
  symlinkSync(join(dir, 'evil.ts'), join(root, 'load', 'link.ts'))
})

afterAll(async () => {
  await stopDrivers(driver ? [driver] : [])
  redis?.disconnect()
  rmSync(dir, { recursive: true, force: true })
})

const key = () => Buffer.from(readFileSync(driverKeyFile(), 'utf8').trim())

function spec(runId: string, over: { module?: object; config?: object } = {}) {
  return {
    runId,
    driver: driver.id,
    issuedAt: Date.now(),
    heartbeat: 200,
    shard: 0,
    shards: 1,
    name: 'refusal',
    config: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: 5000, gracefulStop: 1000, ...over.config },
    subMetrics: [],
    module: { path: 'load/noop.ts', export: 'default', data: null, ...over.module },
  }
}

const newRun = () => randomBytes(6).toString('hex')

async function post(entry: string[]): Promise<void> {
  await redis.xadd(k.inbox(driver.id), '*', ...entry)
}

/** The driver's signed answers on the run's events stream (waits up to 20 s for one: a loaded machine is slow). */
async function answers(runId: string, signingKey: Buffer): Promise<{ type: string; message?: string }[]> {
  for (let i = 0; i < 200; i++) {
    const entries = (await redis.xrange(k.events(runId), '-', '+')) as [string, string[]][]
    const v = new Verifier(signingKey, 'event', runId)
    const all = entries.map(([, list]) => {
      const verdict = v.check(fields(list))
      if (!verdict.ok) throw new Error(`unsigned answer: ${verdict.why}`)
      return JSON.parse(verdict.body) as { type: string; message?: string }
    })
    // A busy driver's heartbeat can come before its answer (CI saw one first): answers only.
    const said = all.filter((e) => e.type !== 'heartbeat')
    if (said.length > 0) return said
    await new Promise((r) => setTimeout(r, 100))
  }
  return []
}

async function logged(text: string): Promise<void> {
  for (let i = 0; i < 200 && !driver.output().includes(text); i++) await new Promise((r) => setTimeout(r, 100))
  expect(driver.output()).toContain(text)
}

function stillAlive(): void {
  expect(driver.child.exitCode).toBeNull()
  expect(existsSync(marker)).toBe(false)
}

describe('a driver refuses what it must not run, and stays alive', () => {
  perfTest('refusals', { timeout: 90_000 }, async ({ redis: fixture }) => {
    redis = new Redis(fixture.url)
    ;[driver] = await startDrivers(1, fixture.url, prefix, [], { cwd: root })
    const signed = (runId: string, body: unknown, withKey = key()) => new Signer(withKey, 'spec', runId).sign(runId, body)

    // node: built-in with a shell command as data (the finding: it ran).
    let run = newRun()
    await post(signed(run, spec(run, { module: { path: 'node:child_process', export: 'execSync', data: `touch ${marker}` } })))
    expect((await answers(run, key()))[0]).toMatchObject({ type: 'failed', message: expect.stringContaining('PERF_MODULE_REFUSED') })
    stillAlive()

    // data: URL with code in it.
    run = newRun()
    const code = `data:text/javascript,import('node:fs').then(f=>f.writeFileSync(${JSON.stringify(marker)},'x'));export default()=>()=>{}`
    await post(signed(run, spec(run, { module: { path: code } })))
    expect((await answers(run, key()))[0].message).toMatch(/PERF_MODULE_REFUSED: Refused the load module "data:/)
    stillAlive()

    // A path escaping the root, an absolute path, and a link inside the root leading out.
    for (const path of ['../evil.ts', join(dir, 'evil.ts'), 'load/link.ts']) {
      run = newRun()
      await post(signed(run, spec(run, { module: { path } })))
      const [answer] = await answers(run, key())
      expect(answer.message, path).toContain('PERF_MODULE_REFUSED')
      expect(answer.message).toMatch(/outside the driver root|not absolute|leads out of the driver root/)
      stillAlive()
    }

    // A config the schemas reject.
    run = newRun()
    await post(signed(run, spec(run, { config: { vus: -3, iterations: 'many' } })))
    const [rejected] = await answers(run, key())
    expect(rejected.message).toContain('PERF_CONFIG_INVALID')
    expect(rejected.message).toContain('vus must be at least 1')
    stillAlive()

    // Unsigned, and signed with another key: dropped, nothing answered.
    run = newRun()
    await post(new Signer(undefined, 'spec', run).sign(run, spec(run)))
    await logged('dropped a spec (unsigned); nothing was run')
    run = newRun()
    await post(signed(run, spec(run), randomBytes(32)))
    await logged('dropped a spec (bad signature); nothing was run')
    expect(await redis.exists(k.events(run))).toBe(0)
    stillAlive()

    // A valid spec, answered (the config fails on purpose so nothing runs), then the same entry again.
    run = newRun()
    const entry = signed(run, spec(run, { config: { vus: 0 } }))
    await post(entry)
    expect(await answers(run, key())).toHaveLength(1)
    await post(entry)
    await logged('dropped a spec (replayed); nothing was run')
    await new Promise((r) => setTimeout(r, 300))
    expect((await redis.xrange(k.events(run), '-', '+')).length).toBe(1)
    stillAlive()

    // Still serving: a valid spec gets 'ready'.
    run = newRun()
    await post(signed(run, spec(run)))
    expect((await answers(run, key()))[0]).toMatchObject({ type: 'ready', id: driver.id })
    const stop = new Signer(key(), 'control', 'coordinator').sign(run, { to: 'all', c: { type: 'stop', reason: 'test over' } })
    await redis.xadd(k.control(run), '*', ...stop)
    await logged(`run ${run} done`)
    stillAlive()
  })

  perfTest('SIGTERM deregisters the driver', { timeout: 30_000 }, async ({ redis: fixture }) => {
    const r = new Redis(fixture.url)
    const p = `${prefix}-term`
    const [d] = await startDrivers(1, fixture.url, p, [], { cwd: root })
    expect(await r.hexists(keys(p).drivers, d.id)).toBe(1)
    await stopDrivers([d])
    expect(d.child.exitCode).toBe(0)
    expect(await r.hexists(keys(p).drivers, d.id)).toBe(0)
    expect(await r.exists(keys(p).alive(d.id))).toBe(0)
    r.disconnect()
  })
})
