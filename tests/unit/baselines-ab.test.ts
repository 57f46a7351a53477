import { describe, expect, it } from 'vitest'
import { runAB } from '../../src/baselines/ab.ts'

const spin = (ms: number) => () => {
  const until = performance.now() + ms
  while (performance.now() < until);
}

// Each test spins real CPU time (ten repetitions with a machine probe around each): about 1 s alone,
// far more on a loaded 2-core machine, so the time limit is generous; nothing here judges speed.
describe('runAB (interleaved A/B in one process)', { timeout: 30_000 }, () => {
  it('finds a 50 % slower candidate a REGRESSION', async () => {
    const ab = await runAB(
      { executor: 'per-vu-iterations', vus: 1, iterations: 150 },
      { reference: spin(0.4), candidate: spin(0.6) },
      { repeat: 5 },
    )
    expect(ab.comparison.verdict).toBe('REGRESSION')
    expect(ab.comparison.repetitions).toEqual({ baseline: 5, current: 5 })
    expect(ab.reference.repetitions).toHaveLength(5)
    expect(ab.candidate.baseline).toBe(ab.comparison)
    expect(ab.reference.name).toBe('A/B (reference)')
  })

  it('does not call the same workflow a regression', async () => {
    const same = spin(0.4)
    const ab = await runAB({ executor: 'per-vu-iterations', vus: 1, iterations: 150 }, { reference: same, candidate: same }, { repeat: 5 })
    expect(ab.comparison.verdict).not.toBe('REGRESSION')
  })

  it('needs at least two repetitions', async () => {
    await expect(
      runAB({ executor: 'shared-iterations', iterations: 1 }, { reference: () => {}, candidate: () => {} }, { repeat: 1 }),
    ).rejects.toThrow(/options\.repeat: must be a whole number from 2 to 100/)
  })
})
