// Comparisons drawn from pools of recorded repetitions, with the reruns toMatchBaseline() makes
// when a verdict is INCONCLUSIVE: as many repetitions again (at least 3), up to 2 rounds.
import { compareRepetitions } from '../../src/baselines/compare.ts'
import type { BaselineComparison, RepetitionSummary } from '../../src/core/result.ts'
import type { comparePaired } from '../../src/baselines/paired.ts'

const EXECUTOR = 'constant-vus'
const MAX_RERUNS = 2

export interface Pair {
  base: RepetitionSummary
  head: RepetitionSummary
}

/** Draws without replacement: the repetitions of one comparison are disjoint, as real ones are. */
export class Drawer<T> {
  private readonly taken = new Set<number>()
  private readonly pool: T[]
  private readonly random: () => number

  constructor(pool: T[], random: () => number) {
    this.pool = pool
    this.random = random
  }

  draw(n: number): T[] {
    const out: T[] = []
    while (out.length < n && this.taken.size < this.pool.length) {
      const i = Math.floor(this.random() * this.pool.length)
      if (this.taken.has(i)) continue
      this.taken.add(i)
      out.push(this.pool[i])
    }
    return out
  }
}

export interface Outcome {
  comparison: BaselineComparison
  /** Current-side repetitions (or pairs) measured, reruns included. */
  used: number
}

/** A committed baseline of `reps` repetitions against a current run of `reps`, plus reruns. */
export function committed(baseline: RepetitionSummary[], current: RepetitionSummary[], reps: number, random: () => number): Outcome {
  const base = new Drawer(baseline, random).draw(reps)
  const drawer = new Drawer(current, random)
  const cur = drawer.draw(reps)
  let comparison = compareRepetitions(base, cur, EXECUTOR)
  for (let round = 0; comparison.verdict === 'INCONCLUSIVE' && round < MAX_RERUNS; round++) {
    const more = drawer.draw(Math.max(cur.length, 3))
    if (more.length === 0) break
    cur.push(...more)
    comparison = compareRepetitions(base, cur, EXECUTOR)
  }
  return { comparison, used: cur.length }
}

/** `pairs` base/head pairs judged by the paired verdict, plus reruns of as many pairs again. */
export function paired(pool: Pair[], pairs: number, compare: typeof comparePaired, random: () => number): Outcome {
  const drawer = new Drawer(pool, random)
  const taken = drawer.draw(pairs)
  const judge = () =>
    compare(
      taken.map((p) => p.base),
      taken.map((p) => p.head),
      EXECUTOR,
    )
  let comparison = judge()
  for (let round = 0; comparison.verdict === 'INCONCLUSIVE' && round < MAX_RERUNS; round++) {
    const more = drawer.draw(Math.max(taken.length, 3))
    if (more.length === 0) break
    taken.push(...more)
    comparison = judge()
  }
  return { comparison, used: taken.length }
}

export interface Rates {
  comparisons: number
  regression: number
  inconclusive: number
  pass: number
  improvement: number
  /** Comparisons whose probe said the machine moved (state slower or faster): they name the drift they saw. */
  drift: number
  /** Mean current-side repetitions (pairs in paired mode) per comparison. */
  meanUsed: number
  /** Metrics that regressed, with how often: which metric raises the alarms. */
  culprits: Record<string, number>
  /** Metrics that left a verdict INCONCLUSIVE, "(drift)" when the machine probe held them back. */
  unsure: Record<string, number>
}

export function tally(n: number, one: () => Outcome): Rates {
  const rates: Rates = {
    comparisons: n,
    regression: 0,
    inconclusive: 0,
    pass: 0,
    improvement: 0,
    drift: 0,
    meanUsed: 0,
    culprits: {},
    unsure: {},
  }
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1)
  for (let i = 0; i < n; i++) {
    const { comparison, used } = one()
    rates.meanUsed += used / n
    if (comparison.drift && comparison.drift.state !== 'steady') rates.drift++
    if (comparison.verdict === 'REGRESSION') {
      rates.regression++
      for (const m of comparison.metrics.filter((x) => x.verdict === 'REGRESSION')) count(rates.culprits, m.metric)
    } else if (comparison.verdict === 'INCONCLUSIVE') {
      rates.inconclusive++
      for (const m of comparison.metrics.filter((x) => x.verdict === 'INCONCLUSIVE'))
        count(rates.unsure, m.reason ? `${m.metric} (drift)` : m.metric)
    } else if (comparison.verdict === 'IMPROVEMENT') rates.improvement++
    else rates.pass++
  }
  return rates
}

/** "latency.p50 120, cpu.app 3": the most frequent first. */
export function ranked(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
}
