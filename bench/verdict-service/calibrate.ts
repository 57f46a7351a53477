// Sets the slowdown knob so that it adds a measured +20 % to the service's median latency. The
// effect of fixed work on p50 is not its share of the median: under a closed load on 2 cores,
// work on the service's single event loop queues the other VUs' requests behind it, and work in
// PostgreSQL runs beside the service. So the effect is measured in interleaved pairs, and the
// knob moves along the secant of the last two tries until it lands within the tolerance.
import type { RepetitionSummary } from '../../src/core/result.ts'
import { median } from '../../src/core/stats.ts'

export interface Try {
  value: number
  /** Median over pairs of slow / plain p50, minus 1. */
  effect: number
}

export interface CalibrationPlan {
  /** First value tried, in the knob's unit. */
  guess: number
  target: number
  tolerance: number
  /** Interleaved pairs (plain, slow; then slow, plain) per value tried. */
  pairs: number
  /** Values tried at most. */
  steps: number
  /** The knob's unit is whole rounds or rows. */
  round: (value: number) => number
  set: (value: number) => void
  rep: (slow: boolean) => Promise<RepetitionSummary>
}

export async function effectOf(plan: CalibrationPlan, value: number): Promise<number> {
  plan.set(value)
  const logs: number[] = []
  for (let i = 0; i < plan.pairs; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false]
    const [first, second] = [await plan.rep(order[0]), await plan.rep(order[1])]
    const [plain, slow] = order[0] ? [second, first] : [first, second]
    logs.push(Math.log(slow.latency.p50 / plain.latency.p50))
  }
  return Math.expm1(median(logs))
}

/**
 * The next value to try: the secant through the last two tries when the effect grew with the
 * value, else proportional to the last (the effect of a little fixed work is close to linear in
 * it); never more than 4× away from the last value, so one noisy reading cannot throw it far.
 */
function nextValue(tries: Try[], target: number): number {
  const last = tries[tries.length - 1]
  const prev = tries[tries.length - 2]
  const slope = prev && last.value !== prev.value ? (last.effect - prev.effect) / (last.value - prev.value) : NaN
  const next =
    slope > 0 ? last.value + (target - last.effect) / slope : last.effect > 0 ? (last.value * target) / last.effect : last.value * 4
  return Math.min(last.value * 4, Math.max(last.value / 4, next))
}

/**
 * The value to keep: between the nearest tries below and above the target, the interpolated one
 * (it averages two noisy readings); else the nearest try. Once a try lands within the tolerance,
 * that one.
 */
function choose(tries: Try[], target: number, tolerance: number): Try {
  const nearest = (xs: Try[]) => xs.reduce((a, b) => (Math.abs(b.effect - target) < Math.abs(a.effect - target) ? b : a))
  const last = tries[tries.length - 1]
  if (Math.abs(last.effect - target) <= tolerance) return last
  const below = tries.filter((t) => t.effect < target)
  const above = tries.filter((t) => t.effect > target)
  if (!below.length || !above.length) return nearest(tries)
  const [lo, hi] = [nearest(below), nearest(above)]
  const share = (target - lo.effect) / (hi.effect - lo.effect)
  return { value: lo.value + share * (hi.value - lo.value), effect: target }
}

/** Tries values until one lands within the tolerance or the steps run out; sets the knob to the value chosen. */
export async function calibrate(plan: CalibrationPlan): Promise<{ value: number; effect: number; interpolated: boolean; tries: Try[] }> {
  const tries: Try[] = []
  let value = plan.round(plan.guess)
  for (let step = 0; step < plan.steps; step++) {
    const effect = await effectOf(plan, value)
    tries.push({ value, effect })
    if (Math.abs(effect - plan.target) <= plan.tolerance) break
    const next = plan.round(nextValue(tries, plan.target))
    if (tries.some((t) => t.value === next)) break
    value = next
  }
  const chosen = choose(tries, plan.target, plan.tolerance)
  const rounded = plan.round(chosen.value)
  plan.set(rounded)
  return { value: rounded, effect: chosen.effect, interpolated: !tries.some((t) => t.value === rounded), tries }
}
