import { theilSen, type Slope } from './trend.ts'

/** One sample of a memory series (heap objects, external, arrayBuffers). */
export interface MemoryPoint {
  /** Seconds since the start of the run. */
  t: number
  /** At least what was live at t: the value as sampled, garbage not yet collected included. */
  upper: number
  /** What was live, measured right after a major or full garbage collection, when one ran. */
  live?: number
}

/**
 * How much a series must grow after the warm-up before it can be called a leak. Measured, not
 * guessed: in idle and non-retaining runs inside Vitest the live heap still grows by up to about
 * 200 KB after the warm-up (feedback vectors and inline caches of code that gets hot, the run's
 * own per-second records), and the last sample after a full GC differs from an earlier one by
 * that much without any leak. Below this floor, growth is not told apart from settling.
 */
export const GROWTH_FLOOR_BYTES = 512 * 1024

/** Fewest samples after a garbage collection for a slope with an interval. */
export const MIN_LIVE_POINTS = 5

export type GrowthEvidence =
  /** Theil–Sen over the live samples, with Sen's 95 % interval; `growth` over `span` seconds. */
  | { kind: 'trend'; slope: Slope; growth: number; span: number }
  /**
   * A lower bound: what was live at the end less what was used at `from` (all the run could have
   * held live then), over the time between. No interval: it holds whatever the garbage was.
   */
  | { kind: 'bound'; perSecond: number; growth: number; from: number; to: number }

/**
 * Why a series that passed could not have shown a leak at its limit: such a leak would grow less
 * than the floor in the span judged (`too-short`), or garbage could hide it (`garbage`): no sample
 * measured the live value early enough (only the full GC at the end did), and the samples as taken
 * carried more garbage at the end of the run than half of what such a leak would grow beyond the
 * floor. Samples with little garbage (ArrayBuffers when nothing churns Buffers) would show it.
 */
export type Inconclusive = 'too-short' | 'garbage'

export interface GrowthJudgement {
  leak: boolean
  /** What made it a leak, else the best estimate there is (undefined: nothing grew). */
  evidence?: GrowthEvidence
  /** Seconds between the first sample and the last live one: the part of the run judged. */
  span: number
  /** Set when it passed without being able to see a leak at the limit. */
  inconclusive?: Inconclusive
}

/**
 * Judges a memory series (after the warm-up) against a limit in units per second. A leak needs
 * both a rate above the limit and an absolute growth of at least `floor`: either a lower bound
 * (live at the end − used at an earlier sample ≥ floor, at a rate above the limit), or a
 * significant Theil–Sen slope above the limit over at least MIN_LIVE_POINTS live samples whose
 * growth over their span reaches the floor. Undefined without a live sample to end on.
 */
export function judgeGrowth(points: readonly MemoryPoint[], limit: number, floor = GROWTH_FLOOR_BYTES): GrowthJudgement | undefined {
  const lastLive = points.findLastIndex((p) => p.live !== undefined)
  if (lastLive < 0) return undefined
  const end = points[lastLive]
  const endLive = end.live!
  const span = end.t - points[0].t

  let bound: Extract<GrowthEvidence, { kind: 'bound' }> | undefined
  let largest: Extract<GrowthEvidence, { kind: 'bound' }> | undefined
  for (const p of points.slice(0, lastLive)) {
    if (p.t >= end.t) continue
    const growth = endLive - Math.min(p.upper, p.live ?? Infinity)
    const candidate = { kind: 'bound' as const, perSecond: growth / (end.t - p.t), growth, from: p.t, to: end.t }
    if (!largest || growth > largest.growth) largest = candidate
    if (growth >= floor && (!bound || candidate.perSecond > bound.perSecond)) bound = candidate
  }

  const live = points.slice(0, lastLive + 1).filter((p) => p.live !== undefined)
  let trend: Extract<GrowthEvidence, { kind: 'trend' }> | undefined
  if (live.length >= MIN_LIVE_POINTS) {
    const slope = theilSen(
      live.map((p) => p.t),
      live.map((p) => p.live!),
    )
    const liveSpan = live.at(-1)!.t - live[0].t
    if (slope) trend = { kind: 'trend', slope, growth: slope.slope * liveSpan, span: liveSpan }
  }

  const trendLeak = trend !== undefined && trend.slope.slope > limit && trend.slope.low > 0 && trend.growth >= floor
  const boundLeak = bound !== undefined && bound.perSecond > limit
  if (trendLeak) return { leak: true, evidence: trend, span }
  if (boundLeak) return { leak: true, evidence: bound, span }
  const evidence = trend ?? (largest && largest.growth > 0 ? largest : undefined)
  // A leak at the limit shows from a live sample early enough for it to outgrow the floor, or
  // through samples whose garbage is small next to its growth. The garbage they carry is read at
  // the end of the run (the last samples less what was live), where a leak adds seconds' worth.
  const before = points.slice(0, lastLive)
  const early = before.some((p) => p.live !== undefined && limit * (end.t - p.t) >= floor)
  const garbage = Math.max(0, ...before.slice(-3).map((p) => Math.min(p.upper, p.live ?? Infinity) - endLive))
  const visible = early || limit * span >= floor + 2 * garbage
  const inconclusive = limit * span < floor ? 'too-short' : visible ? undefined : 'garbage'
  return { leak: false, evidence, span, ...(inconclusive ? { inconclusive } : {}) }
}

/**
 * Judges a series read as it is (RSS, handle counts: no garbage to see through) by its Theil–Sen
 * slope: a leak when the slope is above the limit, its interval above zero, and the growth over
 * the span at least `floor`. Undefined with fewer than 3 samples.
 */
export function judgeTrend(points: readonly { t: number; value: number }[], limit: number, floor: number): GrowthJudgement | undefined {
  const slope = theilSen(
    points.map((p) => p.t),
    points.map((p) => p.value),
  )
  if (!slope) return undefined
  const span = points.at(-1)!.t - points[0].t
  const evidence = { kind: 'trend' as const, slope, growth: slope.slope * span, span }
  const leak = slope.slope > limit && slope.low > 0 && evidence.growth >= floor
  return { leak, evidence, span, ...(!leak && limit * span < floor ? { inconclusive: 'too-short' as const } : {}) }
}

/** The shortest run (seconds, warm-up included) whose judged part lets a leak at `limit` per second reach `floor`. */
export function runNeeded(limit: number, floor: number): number {
  const span = floor / limit
  // The warm-up left out is 2 s or 10 % of the run, whichever is longer.
  return Math.ceil(Math.max(span + 2, span / 0.9))
}
