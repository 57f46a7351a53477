import { describe, expect, it } from 'vitest'
import { compareRepetitions } from '../../src/baselines/compare.ts'
import { DRIFT_ALPHA, DRIFT_MIN, PROBE_NOISE_MAX, driftReason, machineDrift, pairedDrift } from '../../src/baselines/drift.ts'
import { formatComparison } from '../../src/baselines/format.ts'
import { seededRandom } from '../../src/core/random.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { fakeRepetition } from '../helpers/run-result.ts'

const random = seededRandom(5)
const noisy = (v: number, spread = 0.005) => v * (1 + (random() - 0.5) * 2 * spread)

/** A repetition whose latency is p50 and whose probe read `probe` ms before and after; CPU per iteration given. */
function rep(p50: number, probe: number | undefined, cpu = 0.1, throughput = 1000): RepetitionSummary {
  return fakeRepetition(p50, {
    durationMs: 3000,
    throughput,
    cpuPerIteration: { process: cpu, servers: { app: cpu * 2 } },
    ...(probe === undefined ? {} : { probe: { before: noisy(probe, 0.05), after: noisy(probe, 0.05) } }),
  })
}
const reps = (n: number, f: () => RepetitionSummary) => Array.from({ length: n }, f)

describe('machine drift from the probe readings', () => {
  it('is steady when the probe did not move beyond its noise', () => {
    const d = machineDrift(
      reps(5, () => rep(10, 20)),
      reps(5, () => rep(10, 20)),
      0.01,
    )
    expect(d?.state).toBe('steady')
    expect(d?.noise).toBeGreaterThan(0)
  })

  it('is slower when the probe is significantly and at least 10 % slower', () => {
    const d = machineDrift(
      reps(5, () => rep(10, 20)),
      reps(5, () => rep(10, 27.6)),
      0.01,
    )
    expect(d?.state).toBe('slower')
    expect(d?.ratio).toBeGreaterThan(1.3)
    expect(d?.ratio).toBeLessThan(1.5)
    expect(d?.p).toBeLessThan(0.01)
  })

  it('a significant shift under 10 % is not drift', () => {
    const d = machineDrift(
      reps(8, () => rep(10, 20)),
      reps(8, () => rep(10, 20 * (1 + DRIFT_MIN / 2))),
      0.01,
    )
    expect(d?.state).toBe('steady')
  })

  it('counts one probe a repetition, the geometric mean of its readings before and after', () => {
    const at = (before: number, after: number) => ({ ...rep(10, undefined), probe: { before, after } })
    const d = machineDrift([at(10, 40), at(20, 20), at(5, 80)], [at(30, 30), at(15, 60), at(30, 30)], 0.01)!
    expect(d.ratio).toBe(1.5)
    // 3 against 3 fully apart: p = 0.1, as for a regression, which needs 4 or more repetitions a side.
    expect(d.p).toBeCloseTo(0.1, 10)
    expect(d.state).toBe('steady')
  })

  it('holds at 0.05 whatever the verdict alpha: with 5 a side, one probe on the wrong side of the line still counts', () => {
    const at = (probe: number) => ({ ...rep(10, undefined), probe: { before: probe, after: probe } })
    const d = machineDrift([20, 21, 22, 23, 25].map(at), [24, 26, 27, 28, 30].map(at), 0.01)!
    expect(d.p).toBeGreaterThan(0.01)
    expect(d.p).toBeLessThan(DRIFT_ALPHA)
    expect(d.state).toBe('slower')
  })

  it('is unsteady when the probes of a side vary by more than PROBE_NOISE_MAX, whatever their medians', () => {
    const wild = [10, 30, 12, 26, 9, 31, 20]
    let i = 0
    const d = machineDrift(
      reps(5, () => rep(10, 20)),
      reps(7, () => rep(10, wild[i++])),
      0.01,
    )!
    expect(d.noise).toBeGreaterThan(PROBE_NOISE_MAX)
    expect(d.state).toBe('unsteady')
  })

  it('is undefined for baselines written before the probe existed', () => {
    expect(
      machineDrift(
        reps(5, () => rep(10, undefined)),
        reps(5, () => rep(10, 20)),
        0.01,
      ),
    ).toBeUndefined()
  })
})

describe('a simulated slower machine', () => {
  // 20 % more latency and less throughput, the probe 38 % slower, the same CPU per iteration.
  const baseline = () => reps(5, () => rep(noisy(10), 20, noisy(0.1, 0.01), noisy(1000)))
  const slower = () => reps(5, () => rep(noisy(12), 27.6, noisy(0.1, 0.01), noisy(830)))

  it('turns the latency REGRESSION into INCONCLUSIVE with the reason, never REGRESSION', () => {
    const plain = compareRepetitions(
      baseline().map(({ probe: _, ...r }) => r),
      slower().map(({ probe: _, ...r }) => r),
      'constant-vus',
    )
    expect(plain.verdict).toBe('REGRESSION')
    const c = compareRepetitions(baseline(), slower(), 'constant-vus')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.drift).toMatchObject({ state: 'slower' })
    for (const name of ['latency.p50', 'latency.p95', 'latency.p99', 'throughput']) {
      const m = c.metrics.find((x) => x.metric === name)!
      expect(m.verdict).toBe('INCONCLUSIVE')
      expect(m.reason).toMatch(/^this machine ran \d+ % slower during the run than when the baseline was written/)
    }
    expect(c.metrics.find((m) => m.metric === 'cpu.process')!.verdict).toBe('PASS')
    expect(c.notes.join('\n')).toMatch(
      /this machine ran \d+ % slower .*timing verdicts held back as INCONCLUSIVE \(CPU per iteration is still judged\)/,
    )
    expect(formatComparison(c, 'x')).toMatch(/latency\.p50 .*INCONCLUSIVE \(machine drift\)/)
  })

  it('still reports a CPU per iteration REGRESSION: the code did that', () => {
    const more = () => reps(5, () => rep(noisy(12), 27.6, noisy(0.13, 0.01), noisy(830)))
    const c = compareRepetitions(baseline(), more(), 'constant-vus')
    expect(c.verdict).toBe('REGRESSION')
    expect(c.metrics.filter((m) => m.verdict === 'REGRESSION').map((m) => m.metric)).toEqual(['cpu.process', 'cpu.app'])
    expect(c.recommendations.join(' ')).toMatch(/more CPU per iteration \(cpu\.process, cpu\.app\)/)
  })

  it('holds a latency REGRESSION back on a machine the probe calls faster too: they need not move together', () => {
    const faster = () => reps(5, () => rep(noisy(12), 14, noisy(0.1, 0.01), noisy(830)))
    const c = compareRepetitions(baseline(), faster(), 'constant-vus')
    expect(c.drift?.state).toBe('faster')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.reason).toMatch(/^this machine ran \d+ % faster during the run/)
  })

  it('normalised by the probe ratio, the same slowdown passes', () => {
    const base = baseline()
    const cur = slower()
    const drift = machineDrift(base, cur, 0.01)!
    const c = compareRepetitions(base, cur, 'constant-vus', { latencyScale: 1.2 })
    expect(drift.state).toBe('slower')
    expect(c.verdict).toBe('PASS')
    expect(c.metrics.every((m) => m.reason === undefined)).toBe(true)
  })

  it('on a machine whose load came and went, holds timing verdicts back even when asked to normalise', () => {
    const wild = [20, 60, 24, 52, 18]
    let i = 0
    const cur = reps(5, () => rep(noisy(12), wild[i++], noisy(0.1, 0.01), noisy(830)))
    for (const latencyScale of [1, 1.2]) {
      const c = compareRepetitions(baseline(), cur, 'constant-vus', { latencyScale })
      expect(c.drift?.state).toBe('unsteady')
      expect(c.metrics.find((m) => m.metric === 'cpu.process')!.verdict).toBe('PASS')
      expect(c.verdict).not.toBe('REGRESSION')
    }
    const c = compareRepetitions(baseline(), cur, 'constant-vus')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.reason).toMatch(
      /^the machine probe varied by \d+ % from repetition to repetition \(robust CV; steady is under 25 %\): this machine's load came and went/,
    )
    expect(c.notes.join('\n')).not.toMatch(/'normalize'/)
  })
})

describe('a busy neighbour core the probe does not see', () => {
  // The probe's readings stay put; other processes kept one more core busy during the current run.
  const withOthers = (r: RepetitionSummary, otherCores: number): RepetitionSummary => ({ ...r, otherCores })
  const baseline = () => reps(5, () => withOthers(rep(noisy(10), 20, noisy(0.1, 0.01), noisy(1000)), noisy(0.1, 0.3)))
  const busier = () => reps(5, () => withOthers(rep(noisy(13), 20, noisy(0.1, 0.01), noisy(800)), noisy(1.1, 0.1)))

  it('holds the timing REGRESSION back, naming the cores other processes used', () => {
    const c = compareRepetitions(baseline(), busier(), 'constant-vus')
    expect(c.drift).toMatchObject({ state: 'busier', others: { baseline: expect.closeTo(0.1, 1), current: expect.closeTo(1.1, 1) } })
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.reason).toMatch(
      /^other processes kept 1\.\d\d more cores busy on this machine during the run than when the baseline was written \(1\.\d\d against 0\.\d\d cores/,
    )
    // Other processes' load gives no ratio to scale by: asked to normalise, it still holds back.
    const n = compareRepetitions(baseline(), busier(), 'constant-vus', { latencyScale: 1.01 })
    expect(n.verdict).toBe('INCONCLUSIVE')
    expect(n.notes.join('\n')).not.toMatch(/'normalize'/)
  })

  it('a quarter of a core or less is background, not a neighbour', () => {
    const little = () => reps(5, () => withOthers(rep(noisy(13), 20, noisy(0.1, 0.01), noisy(800)), noisy(0.3, 0.1)))
    const c = compareRepetitions(baseline(), little(), 'constant-vus')
    expect(c.drift?.state).toBe('steady')
    expect(c.verdict).toBe('REGRESSION')
  })

  it('is judged pair by pair in a paired comparison (8 pairs: with 5 the signed-rank test cannot reach 0.05)', () => {
    const base = [...baseline(), ...baseline()].slice(0, 8)
    const head = [...busier(), ...busier()].slice(0, 8)
    const d = pairedDrift(base, head, 0.01)!
    expect(d.state).toBe('busier')
    expect(driftReason(d)).toMatch(/^other processes kept 1\.\d\d more cores busy during the head's repetitions than during the base's/)
    expect(pairedDrift(base, base, 0.01)!.state).toBe('steady')
  })
})

describe('CPU per iteration against a committed baseline', () => {
  const base = () => reps(5, () => rep(noisy(10), 20, noisy(0.1, 0.01)))
  const more = (f: number) => reps(5, () => rep(noisy(10), 20, noisy(0.1 * f, 0.01)))

  it('counts only a change whose interval clears 10 %: the same code drifts by a few percent over time', () => {
    expect(compareRepetitions(base(), more(1.08), 'constant-vus').metrics.find((m) => m.metric === 'cpu.app')!.verdict).toBe('PASS')
    expect(compareRepetitions(base(), more(1.25), 'constant-vus').metrics.find((m) => m.metric === 'cpu.app')).toMatchObject({
      verdict: 'REGRESSION',
    })
  })

  it('interleaved sides (runAB) keep the 5 % floor: a significant 8 % is worth another look', () => {
    const c = compareRepetitions(base(), more(1.08), 'constant-vus', {}, true)
    expect(c.metrics.find((m) => m.metric === 'cpu.app')!.verdict).toBe('INCONCLUSIVE')
  })
})
