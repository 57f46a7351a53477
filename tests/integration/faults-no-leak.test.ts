import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { describe, expect } from 'vitest'
import { faults, perfTest } from 'vitest-perf'

// Faults never leak: a test that throws inside a fault scope leaves no held connection, lock or
// pressure behind.
async function connections(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const n = (
    await c.query('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')
  ).rows[0].n
  await c.end()
  return n
}

describe('faults clean up after a throwing scope', () => {
  perfTest('withFault(lockTable) releases the lock when the body throws', async ({ postgres }) => {
    const c = new pg.Client({ connectionString: postgres.url })
    await c.connect()
    await c.query('create table stock (id int)')
    await expect(
      faults.withFault(faults.lockTable(postgres, 'stock'), async () => {
        await expect(c.query("set lock_timeout = '200ms'; insert into stock values (1)")).rejects.toMatchObject({ code: '55P03' })
        throw new Error('the test failed inside the scope')
      }),
    ).rejects.toThrow('the test failed inside the scope')
    await c.query('insert into stock values (2)')
    await c.end()
    expect(await connections(postgres.url)).toBe(0)
  })

  perfTest('await using activate(connectionExhaustion) releases every held connection', async ({ postgres }) => {
    const before = await connections(postgres.url)
    try {
      await using held = await faults.activate(faults.connectionExhaustion(postgres, { connections: 20 }))
      expect(held.name).toMatch(/connection exhaustion/)
      expect(await connections(postgres.url)).toBeGreaterThanOrEqual(before + 20)
      throw new Error('boom')
    } catch (e) {
      expect((e as Error).message).toBe('boom')
    }
    expect(await connections(postgres.url)).toBe(before)
  })

  perfTest('the faults fixture stops what a failing test started', async ({ postgres, faults: f, onTestFinished }) => {
    const pressure = f.cpuPressure({ threads: 1 })
    const exhaustion = f.connectionExhaustion(postgres, { connections: 10 })
    await pressure.start()
    await exhaustion.start()
    onTestFinished(async () => {
      // Runs after the fixture's teardown: everything is released.
      expect(await connections(postgres.url)).toBe(0)
    })
    expect(await connections(postgres.url)).toBeGreaterThanOrEqual(10)
  })

  perfTest('process faults stop: CPU threads end, memory is released', async () => {
    const cpu = faults.cpuPressure({ threads: 2 })
    await cpu.start()
    const spy = new Worker('setTimeout(() => {}, 10)', { eval: true })
    await spy.terminate()
    await cpu.stop()
    const memory = faults.memoryPressure({ mb: 64 })
    const rss0 = process.memoryUsage().rss
    await memory.start()
    expect(process.memoryUsage().rss - rss0).toBeGreaterThan(50 * 2 ** 20)
    await memory.stop()
  })
})
