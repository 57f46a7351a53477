import pg from 'pg'
import { describe, expect } from 'vitest'
import { faults, perfTest } from 'vitest-perf'

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  return c
}

// stop() of a full connection exhaustion resolves only once the server accepts connections again:
// the line after `await stop()` connects. Before, a slot the fault was still grabbing when stop()
// came (a connection the load had just closed) stayed taken: "sorry, too many clients already".
describe('connectionExhaustion(postgres).stop()', () => {
  perfTest('a connection opened right after await stop() gets in, also when the load just freed a slot', async ({ postgres }) => {
    for (let round = 0; round < 8; round++) {
      // A load's connection, open before the fault fills the server.
      const load = await client(postgres.url)
      const exhaustion = faults.connectionExhaustion(postgres)
      await exhaustion.start()
      await expect(client(postgres.url)).rejects.toMatchObject({ code: '53300' })
      // The load lets its connection go; the fault takes the freed slot while it is active.
      await load.end()
      await new Promise((r) => setTimeout(r, round))
      await exhaustion.stop()
      const next = await client(postgres.url)
      expect((await next.query('select 1 as one')).rows[0].one).toBe(1)
      await next.end()
    }
  })
})
