import pg from 'pg'
import { expect, it } from 'vitest'
import { startService } from '../../src/infra/chain.ts'
import { postgres } from '../../src/infra/services/postgres.ts'

// The restartServer fault's mechanism, on the local provider whatever the default chain picks.
it('a local PostgreSQL restarts on the same port with its data', async () => {
  const { server } = await startService(postgres, { provider: 'local' })
  try {
    const url = `postgres://postgres:${server.password}@127.0.0.1:${server.port}/postgres`
    let c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query('create table kept (v int); insert into kept values (42)')
    c.on('error', () => {})
    const pid = server.pid
    await server.restart!()
    expect(server.pid).not.toBe(pid)
    await expect(c.query('select 1')).rejects.toThrow()
    c = new pg.Client({ connectionString: url })
    await c.connect()
    expect((await c.query('select v from kept')).rows).toEqual([{ v: 42 }])
    await c.end()
  } finally {
    await server.stop()
  }
})
