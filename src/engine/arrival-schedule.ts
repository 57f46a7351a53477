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
  // Arrival k is planned where the integral reaches a + (k + phase − b) / f: rescale() moves these.
  private a = 0
  private b = 0
  private f = 1

  /**
   * `phase` (0 ≤ phase < 1) plans the k-th iteration where the integral reaches k + phase: one
   * rate split over n shards with phases i/n interleaves their arrivals instead of bunching them.
   */
  private readonly phase: number

  constructor(startRate: number, stages: RateStage[], timeUnitMs: number, phase = 0) {
    this.phase = phase
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

  static constant(rate: number, durationMs: number, timeUnitMs: number, phase = 0): ArrivalSchedule {
    return new ArrivalSchedule(rate, [{ duration: durationMs, target: rate }], timeUnitMs, phase)
  }

  /** Rate in iterations per ms at time t (ms from the start). */
  rateAt(t: number): number {
    for (const s of this.stages) {
      if (t < s.start + s.duration) return s.from + ((s.to - s.from) * (t - s.start)) / s.duration
    }
    return 0
  }

  /** The integral of the rate from 0 to t (ms): how many arrivals the plan holds up to t. */
  countAt(t: number): number {
    for (const s of this.stages) {
      if (t < s.start + s.duration) {
        const tau = Math.max(0, t - s.start)
        return s.before + s.from * tau + ((s.to - s.from) * tau * tau) / (2 * s.duration)
      }
    }
    const last = this.stages[this.stages.length - 1]
    return last ? last.before + last.count : 0
  }

  /** From `t` (ms from the start) on, arrivals come `factor` times as often as planned. */
  rescale(t: number, factor: number): void {
    const at = this.countAt(t)
    this.b = this.b + (at - this.a) * this.f
    this.a = at
    this.f *= factor
  }

  /** How many planned starts next() has still to give. */
  remaining(): number {
    const total = this.countAt(this.totalMs)
    return Math.max(0, Math.ceil((total - this.a) * this.f + this.b - this.phase) - this.k)
  }

  /** The next planned start in ms from the start, or undefined when the schedule is over. */
  next(): number | undefined {
    const k = this.a + (this.k + this.phase - this.b) / this.f
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
