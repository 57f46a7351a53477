import { describe, expect, it } from 'vitest'
import { findCapacity, type CapacityOptions } from '../../src/analysis/capacity.ts'
import { PerfConfigError } from '../../src/core/errors.ts'

async function problemsOf(options: unknown): Promise<{ path: string; message: string }[]> {
  const error = await findCapacity(options as CapacityOptions, async () => {}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(PerfConfigError)
  expect((error as Error).message).toMatch(/^Invalid findCapacity options/)
  return (error as PerfConfigError).problems
}

describe('findCapacity() options', () => {
  it('lists every problem before any step runs', async () => {
    const found = await problemsOf({ slo: { latency: ['p(95<1ms'] }, start: 0, max: -1, factor: 1, stepDuration: 'soon', maxStep: 3 })
    expect(found.map((p) => p.path).sort()).toEqual(['factor', 'max', 'maxStep', 'slo.latency[0]', 'start', 'stepDuration'])
    expect(found.find((p) => p.path === 'maxStep')?.message).toBe("unknown option 'maxStep'; did you mean 'maxSteps'?")
    expect(found.find((p) => p.path === 'start')?.message).toBe('must be a rate above 0, got 0')
  })

  it('checks max against start', async () => {
    expect(await problemsOf({ slo: {}, start: 100, max: 50 })).toEqual([{ path: 'max', message: 'must be at least start (100), got 50' }])
  })
})
