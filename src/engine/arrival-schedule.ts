export interface RateStage {
  /** Stage length in ms. */
  duration: number
  /** Rate reached at the end of the stage, in iterations per timeUnit. */
  target: number
}

/**
 * Planned start times for an open model whose rate changes linearly within each stage.
 * The k-th iteration (k = 0, 1, …) is planned where the integral of the rate reaches k,
 * so starts never drift however late the event loop wakes up.
 */
export class ArrivalSchedule {
  readonly totalMs: number
  private readonly stages: { start: number; duration: number; from: number; to: number; before: number; count: number }[] = []
  private stage = 0
  private k = 0

  constructor(startRate: number, stages: RateStage[], timeUnitMs: number) {
    let start = 0
    let before = 0
    let from = startRate / timeUnitMs
    for (const s of stages) {
      const to = s.target / timeUnitMs
      const count = ((from + to) / 2) * s.duration
      this.stages.push({ start, duration: s.duration, from, to, before, count })
      start += s.duration
      before += count
      from = to
    }
    this.totalMs = start
  }

  static constant(rate: number, durationMs: number, timeUnitMs: number): ArrivalSchedule {
    return new ArrivalSchedule(rate, [{ duration: durationMs, target: rate }], timeUnitMs)
  }

  /** Rate in iterations per ms at time t (ms from the start). */
  rateAt(t: number): number {
    for (const s of this.stages) {
      if (t < s.start + s.duration) return s.from + ((s.to - s.from) * (t - s.start)) / s.duration
    }
    return 0
  }

  /** The next planned start in ms from the start, or undefined when the schedule is over. */
  next(): number | undefined {
    const k = this.k
    while (this.stage < this.stages.length) {
      const s = this.stages[this.stage]
      const x = k - s.before
      if (x < s.count) {
        const tau = offsetWithinStage(s.from, s.to, s.duration, x)
        if (tau < s.duration) {
          this.k++
          return s.start + tau
        }
      }
      this.stage++
    }
    return undefined
  }
}

/** Solves from·τ + (to−from)·τ²/(2·d) = x for τ in a numerically stable form. */
function offsetWithinStage(from: number, to: number, d: number, x: number): number {
  if (x <= 0) return 0
  const slope = (to - from) / d
  if (Math.abs(slope) < 1e-15) return from > 0 ? x / from : Infinity
  const disc = from * from + 2 * slope * x
  if (disc < 0) return Infinity
  const denom = from + Math.sqrt(disc)
  return denom > 0 ? (2 * x) / denom : Infinity
}
