// What bench:verdict:service prints after drawing: the rates per mode and case, what the pools
// measured (the knob's effect, the neighbour's, the drift between the baseline block and later),
// and the goals checked against the rows.
import { readFile, writeFile } from 'node:fs/promises'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { median, robustCv } from '../../src/core/stats.ts'
import { ranked, type Rates } from './resample.ts'

export type Env = 'quiet' | 'neighbour' | 'bursty'

export interface Measured {
  summary: RepetitionSummary
  /** Share of the repetition during which the neighbour was running. */
  exposure: number
}

export interface RecordedPair {
  base: Measured
  head: Measured
  round: number
}

export interface Recorded {
  baseline: Measured[]
  /** By "<env> A/A" and "<env> slow". */
  pairs: Map<string, RecordedPair[]>
}

export interface Row {
  mode: 'committed' | 'paired'
  label: string
  /** A/A: a REGRESSION is a false alarm; otherwise it is a detection. */
  aa: boolean
  rates: Rates
}

/** The pools as JSON, without the encoded histograms (the verdict reads summaries only). */
export async function saveRecorded(file: string, recorded: Recorded, knob: string): Promise<void> {
  const lean = (m: Measured): Measured => ({ ...m, summary: { ...m.summary, histograms: { latency: '', serviceTime: '' } } })
  const pairs = [...recorded.pairs].map(([key, ps]) => [key, ps.map((p) => ({ ...p, base: lean(p.base), head: lean(p.head) }))])
  await writeFile(file, JSON.stringify({ version: 1, knob, baseline: recorded.baseline.map(lean), pairs }))
}

export async function loadRecorded(file: string): Promise<{ recorded: Recorded; knob: string }> {
  const data = JSON.parse(await readFile(file, 'utf8')) as { knob: string; baseline: Measured[]; pairs: [string, RecordedPair[]][] }
  return { recorded: { baseline: data.baseline, pairs: new Map(data.pairs) }, knob: data.knob }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${pct(x)}` : 'n/a')
const p50 = (m: Measured) => m.summary.latency.p50
const app = (m: Measured) => m.summary.cpuPerIteration?.servers?.app ?? NaN
const proc = (m: Measured) => m.summary.cpuPerIteration?.process ?? NaN
const probe = (m: Measured) => (m.summary.probe ? Math.sqrt(m.summary.probe.before * m.summary.probe.after) : NaN)
const others = (m: Measured) => m.summary.otherCores ?? NaN
const mid = (xs: Measured[], f: (m: Measured) => number) => median(xs.map(f).filter(Number.isFinite))
/** Median over pairs of head / base, minus 1. */
const pairEffect = (pairs: RecordedPair[], f: (m: Measured) => number) =>
  Math.expm1(median(pairs.map((p) => Math.log(f(p.head) / f(p.base))).filter(Number.isFinite)))

export function printRows(rows: Row[], knob: string): void {
  console.log(`On A/A rows REGRESSION is a false alarm; on +20 % rows (${knob}) it is the detection rate.`)
  console.log(
    '"drift named": comparisons whose machine probe or other processes\' load said the machine (or one side of the pairs) moved, so they name it.',
  )
  console.log("* synthesised from the same rounds: the quiet pair's base with the neighbour pair's head.\n")
  console.log('mode       case                              REGRESSION  INCONCLUSIVE    PASS  IMPROVEMENT  drift named  reps/pairs')
  for (const { mode, label, rates } of rows) {
    const n = rates.comparisons
    const cells = [rates.regression, rates.inconclusive, rates.pass, rates.improvement, rates.drift].map((x) => pct(x / n))
    console.log(
      `${mode.padEnd(10)} ${label.padEnd(33)} ${cells[0].padStart(10)}  ${cells[1].padStart(12)}  ${cells[2].padStart(6)}  ${cells[3].padStart(11)}  ${cells[4].padStart(11)}  ${rates.meanUsed.toFixed(1).padStart(10)}`,
    )
    const why = [
      Object.keys(rates.culprits).length ? `regressed: ${ranked(rates.culprits)}` : '',
      Object.keys(rates.unsure).length ? `inconclusive: ${ranked(rates.unsure)}` : '',
    ].filter(Boolean)
    if (why.length) console.log(`${''.padEnd(11)}  ${why.join('; ')}`)
  }
}

export function printDiagnostics(recorded: Recorded, target: number): void {
  const { baseline, pairs } = recorded
  console.log(
    '\nper pool: median p50, CPU per request of the service and of the load generator, machine probe, cores other processes kept busy, time the neighbour ran',
  )
  const µs = (xs: Measured[], f: (m: Measured) => number) => `${(mid(xs, f) * 1000).toFixed(0).padStart(4)} µs`
  const line = (label: string, xs: Measured[]) =>
    console.log(
      `  ${label.padEnd(22)} p50 ${mid(xs, p50).toFixed(3)} ms  app ${µs(xs, app)}  process ${µs(xs, proc)}  probe ${mid(xs, probe).toFixed(2).padStart(6)} ms  others ${mid(xs, others).toFixed(2)}  neighbour ${pct(xs.reduce((s, x) => s + x.exposure, 0) / xs.length).padStart(7)}`,
    )
  line('baseline block', baseline)
  for (const [key, ps] of pairs) {
    line(
      `${key}, base`,
      ps.map((p) => p.base),
    )
    line(
      `${key}, head`,
      ps.map((p) => p.head),
    )
  }

  console.log(`\nmeasured effect of the knob (median over pairs of head / base; target ${signed(target)}):`)
  for (const env of ['quiet', 'neighbour', 'bursty']) {
    const slow = pairs.get(`${env} slow`)!
    const aa = pairs.get(`${env} A/A`)!
    console.log(
      `  ${env.padEnd(10)} p50 ${signed(pairEffect(slow, p50)).padStart(8)}  app CPU ${signed(pairEffect(slow, app)).padStart(8)}   (A/A pairs: p50 ${signed(pairEffect(aa, p50))}, app CPU ${signed(pairEffect(aa, app))})`,
    )
  }
  const quiet = pairs.get('quiet A/A')!
  const loaded = pairs.get('neighbour A/A')!
  const onLoad = (f: (m: Measured) => number) =>
    mid(
      loaded.flatMap((p) => [p.base, p.head]),
      f,
    ) /
      mid(
        quiet.flatMap((p) => [p.base, p.head]),
        f,
      ) -
    1
  console.log(
    `the neighbour's effect on A (all reps, neighbour / quiet): p50 ${signed(onLoad(p50))}, app CPU ${signed(onLoad(app))}, process CPU ${signed(onLoad(proc))}, probe ${signed(onLoad(probe))}`,
  )

  const bursty = pairs.get('bursty A/A')!.concat(pairs.get('bursty slow')!)
  const gaps = bursty.map((p) => Math.abs(p.head.exposure - p.base.exposure))
  console.log(
    `bursty neighbour: ran ${pct(bursty.reduce((s, p) => s + p.base.exposure + p.head.exposure, 0) / (2 * bursty.length))} of the time; |head − base| exposure median ${pct(median(gaps))}, over 50 % in ${pct(gaps.filter((g) => g > 0.5).length / gaps.length)} of pairs`,
  )

  // Drift: the baseline block against the quiet A repetitions recorded after it, over time.
  const later = quiet.flatMap((p) => [p.base, p.head])
  console.log(
    `\ndrift, quiet A repetitions after the baseline block against it: p50 ${signed(mid(later, p50) / mid(baseline, p50) - 1)}, probe ${signed(mid(later, probe) / mid(baseline, probe) - 1)}, app CPU ${signed(mid(later, app) / mid(baseline, app) - 1)}, process CPU ${signed(mid(later, proc) / mid(baseline, proc) - 1)}`,
  )
  const cv = (xs: Measured[]) => pct(robustCv(xs.map(probe).filter(Number.isFinite)))
  console.log(
    `  probe noise (robust CV of the repetitions' probes): baseline block ${cv(baseline)}, quiet A repetitions ${cv(later)}, with the neighbour ${cv(loaded.flatMap((p) => [p.base, p.head]))}`,
  )
  const parts = (xs: Measured[], n: number) =>
    Array.from({ length: n }, (_, i) => xs.slice(Math.floor((i * xs.length) / n), Math.floor(((i + 1) * xs.length) / n)))
      .filter((part) => part.length > 0)
      .map((part) => `${mid(part, p50).toFixed(2)}/${mid(part, probe).toFixed(1)}`)
      .join(' ')
  console.log(
    `  over time, p50 ms / probe ms: baseline block in quarters ${parts(baseline, 4)}; quiet A/A pairs in eighths ${parts(later, 8)}`,
  )
}

export function printGoals(rows: Row[], recorded: Recorded, target: number, quick: boolean): void {
  const row = (mode: Row['mode'], label: string) => rows.find((r) => r.mode === mode && r.label === label)!.rates
  const rate = (r: Rates, k: 'regression' | 'inconclusive' | 'drift') => r[k] / r.comparisons
  const check = (what: string, value: number, ok: boolean, goal: string) =>
    console.log(`  ${what.padEnd(62)} ${pct(value).padStart(7)}  (goal ${goal}) ${ok ? 'OK' : 'NOT MET'}`)
  console.log(`\ngoals of issue #13${quick ? ' (quick mode: pools too small for the rates to mean anything)' : ''}:`)
  const effect = pairEffect(recorded.pairs.get('quiet slow')!, p50)
  check('knob: p50 effect of the +20 % slowdown, quiet pairs', effect, Math.abs(effect - target) <= 0.03, `${signed(target)} ± 3 %`)
  const pq = row('paired', 'A/A, quiet')
  check('paired, quiet: A/A false REGRESSION', rate(pq, 'regression'), rate(pq, 'regression') <= 0.01, '≤ 1 %')
  check('paired, quiet: A/A INCONCLUSIVE', rate(pq, 'inconclusive'), rate(pq, 'inconclusive') <= 0.1, '≤ 10 %')
  const sq = row('paired', '+20 %, quiet')
  check('paired, quiet: +20 % detected', rate(sq, 'regression'), rate(sq, 'regression') >= 0.95, '≥ 95 %')
  for (const [label, what] of [
    ['neighbour (both sides)', 'paired, neighbour on both sides'],
    ['bursty neighbour', 'paired, bursty neighbour'],
  ]) {
    const aa = row('paired', `A/A, ${label}`)
    const slow = row('paired', `+20 %, ${label}`)
    check(`${what}: A/A false REGRESSION`, rate(aa, 'regression'), rate(aa, 'regression') <= 0.01, '≤ 1 %')
    check(`${what}: +20 % detected`, rate(slow, 'regression'), rate(slow, 'regression') >= 0.8, '≥ 80 %')
  }
  const cn = row('committed', 'A/A, neighbour (current run)')
  check('committed, neighbour in the current run: A/A false REGRESSION', rate(cn, 'regression'), rate(cn, 'regression') <= 0.01, '≤ 1 %')
  check('committed, neighbour in the current run: drift named', rate(cn, 'drift'), rate(cn, 'drift') === 1, 'every comparison')
}
