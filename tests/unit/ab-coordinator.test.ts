import { afterEach, describe, expect, it } from 'vitest'
import { abTurnTaker, type AbSide } from '../../src/ab/client.ts'
import { startCoordinator, type Coordinator } from '../../src/ab/coordinator.ts'
import { TurnBook } from '../../src/ab/turn-book.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { setTurnTaker } from '../../src/run/turns.ts'

describe('the ab coordinator over loopback', () => {
  let coordinator: Coordinator | undefined
  afterEach(async () => {
    setTurnTaker(undefined)
    await coordinator?.close()
  })

  const sideOf = (c: Coordinator, side: 'base' | 'head', timeoutMs = 5000): AbSide => ({ url: c.url, token: c.token, side, timeoutMs })

  it('refuses a request without its token', async () => {
    coordinator = await startCoordinator(new TurnBook({ base: [], head: [] }))
    const res = await fetch(`${coordinator.url}/turn`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(401)
  })

  it('takes a turn before each repetition of runLoad() and hands each repetition to the book', async () => {
    const book = new TurnBook({ base: ['t'], head: [] })
    coordinator = await startCoordinator(book)
    setTurnTaker(abTurnTaker(sideOf(coordinator, 'base'), () => 't'))
    await runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 5 }, () => {}, { repeat: 3, attach: false, monitor: false })
    await runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 5 }, () => {}, { attach: false, monitor: false })
    expect(book.runs.get('t #0')!.done.base.map((d) => d.summary.iterations)).toEqual([5, 5, 5])
    expect(book.runs.get('t #1')!.done.base).toHaveLength(1)
  })

  it('fails the run with PERF_AB_TIMEOUT, saying what it waited for, when the other side never comes', async () => {
    coordinator = await startCoordinator(new TurnBook({ base: ['t'], head: ['t'] }))
    setTurnTaker(abTurnTaker(sideOf(coordinator, 'head', 300), () => 't'))
    await expect(runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 5 }, () => {}, { attach: false })).rejects.toMatchObject({
      code: 'PERF_AB_TIMEOUT',
      message: expect.stringMatching(/waited 0 s for its turn at repetition 0 of "t" \(run 0\): still waiting for the base side's turn/),
    })
  })

  it('says so when the coordinator is gone', async () => {
    coordinator = await startCoordinator(new TurnBook({ base: ['t'], head: [] }))
    const side = sideOf(coordinator, 'base')
    await coordinator.close()
    coordinator = undefined
    setTurnTaker(abTurnTaker(side, () => 't'))
    await expect(runLoad({ executor: 'per-vu-iterations', vus: 1, iterations: 5 }, () => {}, { attach: false })).rejects.toMatchObject({
      code: 'PERF_AB_COORDINATOR',
    })
  })
})
