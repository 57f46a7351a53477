import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, expect } from 'vitest'
import { perfTest } from '../../src/runtime/perf-test.ts'
import { driverKeyFile, startDrivers, stopDrivers, type Driver } from '../../examples/distributed/drivers.ts'
import { startTarget } from '../../examples/distributed/target.ts'
import { fields, keys } from '../../src/distributed/keys.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const LOAD = new URL('../../examples/distributed/ping-load.ts', import.meta.url)
// The drivers' "checkout" at another path: the load module copied, package.json (so
// `vitest-perf/load` resolves to the package itself), and links to src/ and node_modules/.
const copy = mkdtempSync(join(tmpdir(), 'vitest-perf-checkout-'))
let drivers: Driver[] = []

afterAll(async () => {
  await stopDrivers(drivers)
  rmSync(copy, { recursive: true, force: true })
})

perfTest(
  'three drivers in a copy of the project at another path load the module by its relative path',
  { timeout: 90_000 },
  async ({ redis, run }) => {
    mkdirSync(join(copy, 'examples', 'distributed'), { recursive: true })
    copyFileSync(join(repo, 'examples/distributed/ping-load.ts'), join(copy, 'examples/distributed/ping-load.ts'))
    copyFileSync(join(repo, 'package.json'), join(copy, 'package.json'))
    symlinkSync(join(repo, 'src'), join(copy, 'src'))
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'))
    const prefix = `portable-${process.pid}`
    drivers = await startDrivers(3, redis.url, prefix, [], { cwd: copy })
    const target = await startTarget()
    try {
      const result = await run(
        {
          executor: 'constant-arrival-rate',
          rate: 60,
          duration: '2s',
          maxVUs: 12,
          distributed: { redis: redis.url, drivers: 3, prefix, keyFile: driverKeyFile() },
        },
        { module: LOAD, data: { url: target.url } },
      )
      expect(result.shards).toHaveLength(3)
      for (const s of result.shards ?? []) expect(s.iterations + s.dropped).toBe(40)
      expect(target.counts().responses).toBe(result.iterations)
      for (const d of drivers) expect(d.output()).toContain(`(root ${copy})`)
      // What travelled: the path relative to the project root, not the coordinator's file URL.
      const r = new Redis(redis.url)
      const [[, list]] = (await r.xrange(keys(prefix).inbox(drivers[0].id), '-', '+')) as [string, string[]][]
      r.disconnect()
      const sent = JSON.parse(fields(list).m)
      expect(sent.module.path).toBe('examples/distributed/ping-load.ts')
      expect(JSON.stringify(sent)).not.toContain(repo)
    } finally {
      await target.close()
    }
  },
)
