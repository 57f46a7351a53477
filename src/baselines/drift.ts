import { mannWhitneyU, median, robustCv, robustSpread, wilcoxonSignedRank } from '../core/stats.ts'
import type { MachineDrift, RepetitionSummary } from '../core/result.ts'

/**
 * Below this the probe counts as steady whatever the rank test says: the probe moved by 30 to 90 %
 * with one busy neighbour core on our 2-core machines, and its median wanders by a few percent
 * on a quiet one; a shift of under 10 % hardly moves latencies.
 */
export const DRIFT_MIN = 0.1

/**
 * The level at which a probe shift counts, never stricter than 0.05: holding a verdict back costs
 * a rerun, blaming the code for the machine costs trust. With 5 repetitions a side the rank test
 * reaches 0.01 only when every current probe is above every baseline one, and with 8 pairs the
 * signed-rank test only when every pair agrees; one probe hiccup the other way must not let a
 * slower machine pass for a regression. DRIFT_MIN keeps a wandering probe from counting.
 */
export const DRIFT_ALPHA = 0.05

/**
 * Above this robust CV of the repetitions' probes, on either side, the machine is 'unsteady': its
 * load came and went during the runs, so a steady median says nothing. An idle machine's probe
 * varies by a few percent; on our 2-core machines shared by other jobs (load average 11 to 30) it
 * varied by 45 to 90 %, and latency moved by +27 % against a baseline while the probe's median
 * said the machine was 46 % faster.
 */
export const PROBE_NOISE_MAX = 0.25

/**
 * How many more (or fewer) cores other processes must have kept busy, in the median repetition,
 * for the machine to count as busier (quieter): a quarter of a core. A busy neighbour core reads
 * as about 1.0; an idle machine's background (system daemons, other servers) moved by under 0.1
 * between repetitions on our 2-core machines (bench:verdict:service).
 */
export const OTHER_CORES_MIN = 0.25

/** One repetition's probe: the geometric mean of its readings before and after it. */
function probeOf(r: RepetitionSummary): number | undefined {
  return r.probe && r.probe.before > 0 && r.probe.after > 0 ? Math.sqrt(r.probe.before * r.probe.after) : undefined
}

const probes = (reps: RepetitionSummary[]) => reps.map(probeOf).filter((x): x is number => x !== undefined)
const rounded = (x: number) => Math.round(x * 1000) / 1000
const stateOf = (p: number, ratio: number, alpha: number): MachineDrift['state'] =>
  p < Math.max(alpha, DRIFT_ALPHA) && Math.abs(ratio - 1) >= DRIFT_MIN ? (ratio > 1 ? 'slower' : 'faster') : 'steady'

/**
 * Did the machine itself get slower (or faster) between the baseline and now? Compares the
 * repetitions' probes, one value a repetition (the geometric mean of its readings before and
 * after: the readings around one repetition are not independent, and under `repeat` one
 * repetition's reading after is the next one's before), as the verdict compares repetitions:
 * 'slower' when the current ones are significantly higher (rank test at DRIFT_ALPHA, or alpha if
 * larger) and their median at least 10 % above; else 'unsteady' when either side's probes vary by
 * more than PROBE_NOISE_MAX. Undefined when a side has fewer than 2 repetitions with a probe
 * (baselines written before the probe existed).
 */
export function machineDrift(baseline: RepetitionSummary[], current: RepetitionSummary[], alpha: number): MachineDrift | undefined {
  const base = probes(baseline)
  const cur = probes(current)
  if (base.length < 2 || cur.length < 2) return undefined
  const ratio = median(cur) / median(base)
  const { p } = mannWhitneyU(cur, base)
  const noise = Math.max(robustCv(base), robustCv(cur))
  const state = stateOf(p, ratio, alpha)
  const others = otherLoad(baseline, current, alpha)
  return {
    ratio: rounded(ratio),
    noise: rounded(noise),
    p,
    state: state !== 'steady' ? state : others?.state !== undefined ? others.state : noise > PROBE_NOISE_MAX ? 'unsteady' : 'steady',
    ...(others ? { others: others.others } : {}),
  }
}

/** 'busier' / 'quieter' when other processes' cores moved significantly and by OTHER_CORES_MIN or more. */
const otherState = (p: number, diff: number, alpha: number) =>
  p < Math.max(alpha, DRIFT_ALPHA) && Math.abs(diff) >= OTHER_CORES_MIN
    ? diff > 0
      ? ('busier' as const)
      : ('quieter' as const)
    : undefined

const otherCoresOf = (reps: RepetitionSummary[]) => reps.map((r) => r.otherCores).filter((x): x is number => x !== undefined)

/**
 * Did other processes keep more (or fewer) cores busy during the current repetitions than during
 * the baseline's? The probe runs between repetitions in bursts of a few milliseconds, which a
 * scheduler serves before a busy loop on the same core; the machine's busy time covers the whole
 * repetition. 'busier' when the rank test finds the current side's other cores higher (at
 * DRIFT_ALPHA, or alpha if larger) and their median at least OTHER_CORES_MIN above.
 */
function otherLoad(baseline: RepetitionSummary[], current: RepetitionSummary[], alpha: number) {
  const base = otherCoresOf(baseline)
  const cur = otherCoresOf(current)
  if (base.length < 2 || cur.length < 2) return undefined
  const { p } = mannWhitneyU(cur, base)
  return {
    state: otherState(p, median(cur) - median(base), alpha),
    others: { baseline: rounded(median(base)), current: rounded(median(cur)), p },
  }
}

/**
 * The same question within the pairs of a paired comparison: did the head's repetitions run on a
 * slower (or faster) machine than the base's they are paired with? Per pair the log ratio of the
 * two repetitions' probes; 'slower' when the signed-rank test finds them above zero at
 * DRIFT_ALPHA (or alpha, if larger) and their median is at least 10 %. A neighbour that loads
 * both sides alike cancels out here; one that loads one side more does not. Undefined when fewer
 * than 2 pairs have probes on both sides.
 */
export function pairedDrift(base: RepetitionSummary[], head: RepetitionSummary[], alpha: number): MachineDrift | undefined {
  const logs: number[] = []
  for (let i = 0; i < Math.min(base.length, head.length); i++) {
    const b = probeOf(base[i])
    const h = probeOf(head[i])
    if (b !== undefined && h !== undefined) logs.push(Math.log(h / b))
  }
  if (logs.length < 2) return undefined
  const ratio = Math.exp(median(logs))
  const { p } = wilcoxonSignedRank(logs)
  const state = stateOf(p, ratio, alpha)
  const others = pairedOtherLoad(base, head, alpha)
  return {
    ratio: rounded(ratio),
    // The spread of the pairs' log ratios: about the relative noise of one pair's probe ratio.
    noise: rounded(robustSpread(logs)),
    p,
    state: state === 'steady' && others?.state !== undefined ? others.state : state,
    pairs: logs.length,
    ...(others ? { others: others.others } : {}),
  }
}

/** Within pairs: did other processes keep more cores busy during the head's repetitions than during the base's? */
function pairedOtherLoad(base: RepetitionSummary[], head: RepetitionSummary[], alpha: number) {
  const diffs: number[] = []
  const b: number[] = []
  const h: number[] = []
  for (let i = 0; i < Math.min(base.length, head.length); i++) {
    const x = base[i].otherCores
    const y = head[i].otherCores
    if (x === undefined || y === undefined) continue
    diffs.push(y - x)
    b.push(x)
    h.push(y)
  }
  if (diffs.length < 2) return undefined
  const { p } = wilcoxonSignedRank(diffs)
  return { state: otherState(p, median(diffs), alpha), others: { baseline: rounded(median(b)), current: rounded(median(h)), p } }
}

/** Only a probe ratio can scale timings: a busier machine, or an unsteady probe, holds them back instead. */
export const normalizable = (drift: MachineDrift): boolean => drift.state === 'slower' || drift.state === 'faster'

/**
 * The drift that holds timing verdicts back, if any: a machine that moved, unless its timings were
 * scaled (`scale` ≠ 1) by a probe ratio, which only 'slower' and 'faster' give.
 */
export const heldBy = (drift: MachineDrift | undefined, scale: number): MachineDrift | undefined =>
  drift && drift.state !== 'steady' && (scale === 1 || !normalizable(drift)) ? drift : undefined

/**
 * The reason a timing verdict is held back: "this machine ran 38 % slower during the run than when
 * the baseline was written", or, for pairs, "… during the head's repetitions than during the base's".
 */
export function driftReason(drift: MachineDrift): string {
  if ((drift.state === 'busier' || drift.state === 'quieter') && drift.others) {
    const { baseline, current, p } = drift.others
    const pv = p < 0.001 ? '<0.001' : p.toFixed(3)
    const more = `${Math.abs(current - baseline).toFixed(2)} ${drift.state === 'busier' ? 'more' : 'fewer'} cores`
    if (drift.pairs !== undefined)
      return `other processes kept ${more} busy during the head's repetitions than during the base's (${current.toFixed(2)} against ${baseline.toFixed(2)}, median of the pairs, p ${pv})`
    return `other processes kept ${more} busy on this machine during the run than when the baseline was written (${current.toFixed(2)} against ${baseline.toFixed(2)} cores, median of the repetitions, p ${pv})`
  }
  if (drift.state === 'unsteady')
    return `the machine probe varied by ${Math.round(drift.noise * 100)} % from repetition to repetition (robust CV; steady is under ${PROBE_NOISE_MAX * 100} %): this machine's load came and went, so its timings cannot be compared with the baseline's`
  const pct = Math.round(Math.abs(drift.ratio - 1) * 100)
  const how = drift.state === 'slower' ? 'slower' : 'faster'
  const p = drift.p < 0.001 ? '<0.001' : drift.p.toFixed(3)
  if (drift.pairs !== undefined)
    return `this machine ran ${pct} % ${how} during the head's repetitions than during the base's (machine probe ×${drift.ratio.toFixed(2)} over ${drift.pairs} pairs, p ${p})`
  return `this machine ran ${pct} % ${how} during the run than when the baseline was written (machine probe ×${drift.ratio.toFixed(2)}, p ${p})`
}
