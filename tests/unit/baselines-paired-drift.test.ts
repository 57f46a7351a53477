import { describe, expect, it } from 'vitest'
import { DRIFT_MIN, pairedDrift } from '../../src/baselines/drift.ts'
import { formatComparison } from '../../src/baselines/format.ts'
import { comparePaired } from '../../src/baselines/paired.ts'
import { seededRandom } from '../../src/core/random.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { fakeRepetition } from '../helpers/run-result.ts'

const random = seededRandom(11)
const noisy = (v: number, spread = 0.02) => v * (1 + (random() - 0.5) * 2 * spread)

interface Rep {
  p50: number
  probe?: number
  cpu?: number
  throughput?: number
}

/** A repetition with latency p50, its probe before and after (5 % noise), and CPU per iteration of the process and an app. */
function rep({ p50, probe, cpu, throughput = 1000 }: Rep): RepetitionSummary {
  return fakeRepetition(p50, {
    throughput,
    ...(cpu === undefined ? {} : { cpuPerIteration: { process: noisy(cpu), servers: { app: noisy(cpu * 3) } } }),
    ...(probe === undefined ? {} : { probe: { before: noisy(probe, 0.05), after: noisy(probe, 0.05) } }),
  })
}

/**
 * n pairs; `slow(i)` is how much slower the machine was for the head of pair i than for its base
 * (latency and the probe grow by it, throughput falls by it), `cost` the head's own extra cost
 * per iteration (latency and CPU grow by it). CPU per iteration does not see the machine.
 */
function pairs(n: number, slow: (i: number) => number, cost = 1, probe = 10) {
  const base = Array.from({ length: n }, () => rep({ p50: noisy(5), probe, cpu: 0.2, throughput: noisy(1000) }))
  const head = Array.from({ length: n }, (_, i) =>
    rep({ p50: noisy(5 * slow(i) * cost), probe: probe * slow(i), cpu: 0.2 * cost, throughput: noisy(1000 / slow(i) / cost) }),
  )
  return { base, head }
}

describe('paired machine drift', () => {
  it('is steady when both sides of every pair saw the same machine', () => {
    const { base, head } = pairs(8, () => 1)
    expect(pairedDrift(base, head, 0.01)).toMatchObject({ state: 'steady', pairs: 8 })
  })

  it('is slower when the head side of the pairs ran on a slower machine', () => {
    const { base, head } = pairs(8, () => 1.4)
    const d = pairedDrift(base, head, 0.01)!
    expect(d.state).toBe('slower')
    expect(d.ratio).toBeCloseTo(1.4, 1)
    expect(d.p).toBeCloseTo(2 / 256, 10)
  })

  it('still counts when one pair of eight disagrees: the level is never stricter than 0.05', () => {
    const { base, head } = pairs(8, (i) => (i === 3 ? 0.97 : 1.4))
    const d = pairedDrift(base, head, 0.01)!
    expect(d.p).toBeGreaterThan(0.01)
    expect(d.state).toBe('slower')
  })

  it('is steady when a bursty neighbour hit either side at random', () => {
    const { base, head } = pairs(8, (i) => (i % 2 === 0 ? 1.4 : 1 / 1.4))
    expect(pairedDrift(base, head, 0.01)?.state).toBe('steady')
  })

  it('a consistent shift under 10 % is not drift', () => {
    const { base, head } = pairs(8, () => 1 + DRIFT_MIN / 2)
    expect(pairedDrift(base, head, 0.01)?.state).toBe('steady')
  })

  it('is undefined without probes on both sides of at least 2 pairs', () => {
    const { base, head } = pairs(8, () => 1.4)
    expect(
      pairedDrift(
        base.map(({ probe: _, ...r }) => r),
        head,
        0.01,
      ),
    ).toBeUndefined()
  })
})

describe('comparePaired on a machine that was slower for the head', () => {
  it('holds the timing REGRESSIONs back as INCONCLUSIVE with the reason; CPU per iteration still judges', () => {
    const { base, head } = pairs(8, () => 1.4)
    const withoutProbes = comparePaired(
      base.map(({ probe: _, ...r }) => r),
      head.map(({ probe: _, ...r }) => r),
      'constant-vus',
    )
    expect(withoutProbes.verdict).toBe('REGRESSION')
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.verdict).toBe('INCONCLUSIVE')
    expect(c.drift).toMatchObject({ state: 'slower', pairs: 8 })
    for (const name of ['latency.p50', 'latency.p95', 'latency.p99', 'throughput']) {
      const m = c.metrics.find((x) => x.metric === name)!
      expect(m.verdict).toBe('INCONCLUSIVE')
      expect(m.reason).toMatch(
        /^this machine ran (39|40|41) % slower during the head's repetitions than during the base's \(machine probe ×1\.[34]\d over 8 pairs, p 0\.008\)$/,
      )
    }
    expect(c.metrics.filter((m) => m.unit === 'cpu ms').map((m) => [m.metric, m.verdict])).toEqual([
      ['cpu.process', 'PASS'],
      ['cpu.app', 'PASS'],
    ])
    expect(c.notes.join('\n')).toMatch(/timing verdicts held back as INCONCLUSIVE \(CPU per iteration is still judged\); --normalize/)
    expect(formatComparison(c, 'x')).toMatch(/latency\.p50 .*INCONCLUSIVE \(machine drift\)/)
  })

  it('holds a latency REGRESSION back when the head side ran on a faster machine, too', () => {
    const { base, head } = pairs(8, () => 0.7, 1.5)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.drift?.state).toBe('faster')
    const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!
    expect(p50.verdict).toBe('INCONCLUSIVE')
    expect(p50.reason).toMatch(/faster during the head's repetitions/)
    // The code's own cost still fails it.
    expect(c.metrics.find((m) => m.metric === 'cpu.app')!.verdict).toBe('REGRESSION')
  })

  it('still reports the REGRESSION the code caused, through CPU per iteration', () => {
    const { base, head } = pairs(8, () => 1.4, 1.2)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.verdict).toBe('REGRESSION')
    expect(c.metrics.filter((m) => m.verdict === 'REGRESSION').map((m) => m.metric)).toEqual(['cpu.process', 'cpu.app'])
    expect(c.metrics.find((m) => m.metric === 'latency.p50')!.reason).toBeDefined()
  })

  it('normalised by the probe ratio, the same code passes and the note says by how much', () => {
    const { base, head } = pairs(8, () => 1.4)
    const c = comparePaired(base, head, 'constant-vus', { normalize: true })
    expect(c.verdict).toBe('PASS')
    expect(c.metrics.every((m) => m.reason === undefined)).toBe(true)
    expect(c.notes.join('\n')).toMatch(
      /machine probe ×1\.[34]\d on the head's side of the pairs \(slower\): the head's timings normalised by 1\.[34]/,
    )
  })

  it('normalised on a steady machine, says by how much all the same', () => {
    const { base, head } = pairs(8, () => 1)
    const c = comparePaired(base, head, 'constant-vus', { normalize: true })
    expect(c.drift?.state).toBe('steady')
    expect(c.notes.join('\n')).toMatch(
      /machine probe ×\d\.\d\d on the head's side of the pairs \(steady\): the head's timings normalised by \d\.\d{3}/,
    )
  })

  it('normalised, a real 20 % slowdown on the slower machine is still a REGRESSION', () => {
    const { base, head } = pairs(8, () => 1.4, 1.2)
    const c = comparePaired(base, head, 'constant-vus', { normalize: true })
    const p50 = c.metrics.find((m) => m.metric === 'latency.p50')!
    expect(p50.verdict).toBe('REGRESSION')
    expect(p50.change).toBeCloseTo(0.2, 1)
  })
})

describe('comparePaired with a neighbour on both sides', () => {
  it('sees no drift and finds a 20 % slowdown in latency and CPU', () => {
    const { base, head } = pairs(8, () => 1, 1.2, 15)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.drift?.state).toBe('steady')
    expect(c.verdict).toBe('REGRESSION')
    const regressed = c.metrics.filter((m) => m.verdict === 'REGRESSION').map((m) => m.metric)
    expect(regressed).toEqual(expect.arrayContaining(['latency.p50', 'throughput', 'cpu.process', 'cpu.app']))
  })

  it('passes the same code, CPU metrics included', () => {
    const { base, head } = pairs(8, () => 1, 1, 15)
    const c = comparePaired(base, head, 'constant-vus')
    expect(c.verdict).toBe('PASS')
    expect(c.metrics.map((m) => m.metric)).toEqual([
      'latency.p50',
      'latency.p95',
      'latency.p99',
      'errorRate',
      'throughput',
      'cpu.process',
      'cpu.app',
    ])
    expect(c.notes).toEqual([])
  })

  it('says which CPU metric one side lacks, in terms of base and head', () => {
    const { base, head } = pairs(8, () => 1)
    const c = comparePaired(
      base.map(({ cpuPerIteration: _, ...r }) => r),
      head,
      'constant-vus',
    )
    expect(c.metrics.some((m) => m.unit === 'cpu ms')).toBe(false)
    expect(c.notes.join('\n')).toMatch(/cpu\.process not judged: the base has no CPU per iteration for it in every repetition/)
  })
})
