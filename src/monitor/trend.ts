import { normalCdf } from '../core/stats.ts'

export interface Slope {
  /** Theil–Sen estimate: median of the slopes between all pairs of points, units per second. */
  slope: number
  /** 95 % confidence interval (Sen's method, from Kendall's tau). */
  low: number
  high: number
  points: number
}

// Pairs grow as n²: thin long runs to this many evenly spaced points.
const MAX_POINTS = 400

function inverseNormal(p: number): number {
  // Bisection on the CDF is plenty for one quantile per call.
  let lo = -10
  let hi = 10
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2
    if (normalCdf(mid) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/**
 * Robust slope of y over t. Garbage collection makes heap series saw-toothed; the median of
 * pairwise slopes ignores the teeth where a least-squares fit would chase them.
 */
export function theilSen(t: number[], y: number[], confidence = 0.95): Slope | undefined {
  let xs = t
  let ys = y
  if (xs.length > MAX_POINTS) {
    const step = xs.length / MAX_POINTS
    const pick = Array.from({ length: MAX_POINTS }, (_, i) => Math.floor(i * step))
    xs = pick.map((i) => t[i])
    ys = pick.map((i) => y[i])
  }
  const n = xs.length
  if (n < 3) return undefined
  const slopes: number[] = []
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]))
  }
  if (slopes.length === 0) return undefined
  slopes.sort((a, b) => a - b)
  const m = slopes.length
  const median = m % 2 ? slopes[m >> 1] : (slopes[m / 2 - 1] + slopes[m / 2]) / 2
  const z = inverseNormal(1 - (1 - confidence) / 2)
  const c = z * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18)
  const lowIndex = Math.max(0, Math.floor((m - c) / 2))
  const highIndex = Math.min(m - 1, Math.ceil((m + c) / 2))
  return { slope: median, low: slopes[lowIndex], high: slopes[highIndex], points: n }
}
