// How often the verdict is right, on this noisy machine, over real recorded repetitions.
//   npm run bench:verdict
// Records 40 repetitions each of a workload at speed ×1.00 (twice: A and A'), ×1.05 and ×1.20,
// interleaved so machine noise falls on all of them alike. Then draws 200 comparisons of 5 vs 5
// disjoint repetitions per case, with the same reruns toMatchBaseline() does when INCONCLUSIVE.
// Goals: A/A false REGRESSION ≤ 1 %; 20 % slowdown → REGRESSION ≥ 95 %, never PASS;
// 5 % slowdown → minor REGRESSION or INCONCLUSIVE.
import { compareRepetitions } from '../src/baselines/compare.ts'
import { type BaselineComparison } from '../src/core/result.ts'
import { summarizeRepetition } from '../src/run/repetitions.ts'
import { type RepetitionSummary } from '../src/core/result.ts'
import { seededRandom } from '../src/core/random.ts'
import { runLoad } from '../src/run/run-load.ts'

const POOL = 40
const COMPARISONS = 200
const REPS = 5

function workload(factor: number) {
  // ~200 µs of CPU and an event-loop turn: what a small handler costs.
  return async () => {
    const until = performance.now() + 0.2 * factor
    while (performance.now() < until);
    await new Promise((r) => setImmediate(r))
  }
}

const cases = { A: 1, B: 1, slow5: 1.05, slow20: 1.2 } as const
type Case = keyof typeof cases
const pools: Record<Case, RepetitionSummary[]> = { A: [], B: [], slow5: [], slow20: [] }
const t0 = performance.now()
for (let i = 0; i < POOL; i++) {
  for (const name of Object.keys(cases) as Case[]) {
    const r = await runLoad({ executor: 'constant-vus', vus: 1, duration: '250ms' }, workload(cases[name]), { attach: false })
    pools[name].push(summarizeRepetition(r))
  }
}
console.log(`recorded ${POOL} repetitions × 4 cases in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)

const random = seededRandom(2026)
function draw(pool: RepetitionSummary[], n: number, taken: Set<number>): RepetitionSummary[] {
  const out: RepetitionSummary[] = []
  while (out.length < n && taken.size < pool.length) {
    const i = Math.floor(random() * pool.length)
    if (!taken.has(i)) {
      taken.add(i)
      out.push(pool[i])
    }
  }
  return out
}

function compare(base: Case, current: Case): BaselineComparison {
  const takenBase = new Set<number>()
  const takenCur = new Set<number>()
  const baseline = draw(pools[base], REPS, takenBase)
  const cur = draw(pools[current], REPS, takenCur)
  let c = compareRepetitions(baseline, cur, 'constant-vus')
  for (let round = 0; c.verdict === 'INCONCLUSIVE' && round < 2; round++) {
    cur.push(...draw(pools[current], REPS, takenCur))
    c = compareRepetitions(baseline, cur, 'constant-vus')
  }
  return c
}

function tally(base: Case, current: Case): Record<string, number> {
  const counts: Record<string, number> = {}
  for (let i = 0; i < COMPARISONS; i++) {
    const c = compare(base, current)
    const culprits =
      c.verdict === 'REGRESSION'
        ? ` [${c.metrics
            .filter((m) => m.verdict === 'REGRESSION')
            .map((m) => m.metric)
            .join('+')}]`
        : ''
    const key = (c.severity ? `${c.verdict} ${c.severity}` : c.verdict) + (base === current || current === 'B' ? culprits : '')
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

const pct = (n: number | undefined) => `${(((n ?? 0) * 100) / COMPARISONS).toFixed(1)} %`
const show = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
const regressions = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([k]) => k.startsWith('REGRESSION'))
    .reduce((s, [, v]) => s + v, 0)

const aa = tally('A', 'B')
console.log(`A/A (×1.00 vs ×1.00), ${COMPARISONS} comparisons: ${show(aa)}`)
console.log(`   false REGRESSION rate ${pct(regressions(aa))} (goal ≤ 1 %) ${regressions(aa) / COMPARISONS <= 0.01 ? 'OK' : 'MISS'}`)
const s20 = tally('A', 'slow20')
console.log(`20 % slowdown: ${show(s20)}`)
console.log(
  `   REGRESSION ${pct(regressions(s20))} (goal ≥ 95 %), PASS ${s20.PASS ?? 0} (goal 0) ${regressions(s20) / COMPARISONS >= 0.95 && !s20.PASS ? 'OK' : 'MISS'}`,
)
const s5 = tally('A', 'slow5')
const s5ok = (s5['REGRESSION minor'] ?? 0) + (s5.INCONCLUSIVE ?? 0)
console.log(`5 % slowdown: ${show(s5)}`)
console.log(`   minor REGRESSION or INCONCLUSIVE ${pct(s5ok)}`)
const medianOf = (pool: RepetitionSummary[]) => [...pool.map((r) => r.latency.p50)].sort((a, b) => a - b)[pool.length >> 1]
console.log(`\nmedian p50 per case: ${(Object.keys(cases) as Case[]).map((k) => `${k} ${medianOf(pools[k]).toFixed(3)} ms`).join(', ')}`)
