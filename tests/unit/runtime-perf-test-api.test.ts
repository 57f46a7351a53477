import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'
import { perfTest } from '../../src/runtime/perf-test.ts'

// perfTest is created lazily behind a proxy; the whole test API must still work through it.
describe('perfTest keeps the Vitest test API', () => {
  perfTest('runs with the run fixture', async ({ run, task }) => {
    const result = await run({ executor: 'shared-iterations', iterations: 3 }, () => {})
    expect(result.iterations).toBe(3)
    expect(result.name).toBe(task.name)
    expect((task.meta as Record<string, unknown>)['vitest-perf']).toEqual([result])
  })

  perfTest.skip('skip is skipped', () => {
    throw new Error('must not run')
  })

  perfTest.concurrent('concurrent works', async ({ run }) => {
    const first = await run({ executor: 'per-vu-iterations', vus: 2, iterations: 2 }, () => {})
    const second = await run({ executor: 'per-vu-iterations', vus: 1, iterations: 1 }, () => {})
    expect(first.iterations).toBe(4)
    expect(second.name).toBe('concurrent works #2')
  })

  perfTest.for([[5]])('for(%i)', async ([n], { run }) => {
    expect((await run({ executor: 'shared-iterations', iterations: n }, () => {})).iterations).toBe(5)
  })
})

describe('runLoad outside the run fixture', () => {
  it('attaches its result to the current test for the reporter', async ({ task }) => {
    const result = await runLoad({ executor: 'shared-iterations', iterations: 2 }, () => {})
    expect((task.meta as Record<string, unknown>)['vitest-perf']).toEqual([result])
  })

  it('does not attach with attach: false', async ({ task }) => {
    await runLoad({ executor: 'shared-iterations', iterations: 2 }, () => {}, { attach: false })
    expect((task.meta as Record<string, unknown>)['vitest-perf']).toBeUndefined()
  })
})
