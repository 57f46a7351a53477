import { afterEach, expect } from 'vitest'
import { perfTest } from '../../src/runtime/perf-test.ts'
import { startTarget, type Target } from '../../examples/distributed/target.ts'
import { driverKeyFile, startDrivers, stopDrivers, type Driver } from '../../examples/distributed/drivers.ts'

const LOAD = new URL('../../examples/distributed/ping-load.ts', import.meta.url)
let drivers: Driver[] = []
let target: Target | undefined

afterEach(async () => {
  await stopDrivers(drivers)
  drivers = []
  await target?.close()
  target = undefined
})

perfTest(
  'scenarios over two drivers: each scenario split in two and merged apart from the other',
  { timeout: 60_000 },
  async ({ redis, run }) => {
    const prefix = `vp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
    drivers = await startDrivers(2, redis.url, prefix)
    target = await startTarget()
    const result = await run(
      {
        distributed: { redis: redis.url, drivers: 2, prefix, keyFile: driverKeyFile(), heartbeat: '500ms' },
        scenarios: {
          steady: { executor: 'constant-arrival-rate', rate: 50, duration: '3s', maxVUs: 20 },
          late: { executor: 'shared-iterations', vus: 2, iterations: 40, startTime: '1s' },
        },
        thresholds: { 'iterations{scenario:late}': ['count==40'], 'errors{scenario:steady}': ['rate<0.05'] },
      },
      { steady: { module: LOAD, data: { url: target.url } }, late: { module: LOAD, data: { url: target.url } } },
    )
    const { steady, late } = result.scenarios!
    expect(result.shards?.map((s) => s.kind)).toEqual(['driver', 'driver'])
    expect(steady.iterations + steady.dropped).toBe(150)
    expect(late.iterations).toBe(40)
    expect(late.timeline[0].t).toBe(1)
    expect(result.iterations).toBe(steady.iterations + late.iterations)
    expect(target.counts().responses).toBe(result.iterations)
    expect([steady.vusAllocated, late.vusAllocated].every((n) => n > 0)).toBe(true)
    expect(result.thresholds.map((t) => t.ok)).toEqual([true, true])
  },
)
