import { seededRandom } from './random.ts'
/** Pure statistics over small samples (one value per repetition). */

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Midranks (1-based) of the pooled values, ties sharing the mean of their ranks. */
export function midranks(values: number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const ranks = new Array<number>(values.length)
  const tieSizes: number[] = []
  for (let i = 0; i < order.length;) {
    let j = i
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[order[k][1]] = rank
    if (j > i) tieSizes.push(j - i + 1)
    i = j + 1
  }
  return { ranks, tieSizes }
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/** Number of arrangements of n1 + n2 untied values whose U statistic is exactly u, for all u. */
function exactUCounts(n1: number, n2: number): number[] {
  // counts[m][u] for the current n2 column, built up by the recurrence on the largest value.
  let prev: number[][] = Array.from({ length: n1 + 1 }, (_, m) => (m === 0 ? [1] : [1]))
  for (let n = 1; n <= n2; n++) {
    const next: number[][] = [[1]]
    for (let m = 1; m <= n1; m++) {
      const size = m * n + 1
      const row = new Array<number>(size).fill(0)
      // Largest value in sample 1: it beats all n of sample 2 → shift by n.
      const a = next[m - 1]
      for (let u = 0; u < a.length; u++) row[u + n] += a[u]
      // Largest value in sample 2: U unchanged.
      const b = prev[m]
      for (let u = 0; u < b.length; u++) row[u] += b[u]
      next.push(row)
    }
    prev = next
  }
  return prev[n1]
}

export interface MannWhitney {
  /** U of sample a: the number of (a, b) pairs where a > b, ties counting half. */
  u: number
  /** Two-sided p-value. */
  p: number
  method: 'exact' | 'normal'
}

/**
 * Two-sided Mann–Whitney U test. Exact distribution for small samples without ties, normal
 * approximation with tie and continuity corrections otherwise (as scipy's 'auto' does).
 */
export function mannWhitneyU(a: number[], b: number[]): MannWhitney {
  const n1 = a.length
  const n2 = b.length
  if (n1 === 0 || n2 === 0) return { u: NaN, p: 1, method: 'normal' }
  const { ranks, tieSizes } = midranks([...a, ...b])
  const r1 = ranks.slice(0, n1).reduce((s, r) => s + r, 0)
  const u = r1 - (n1 * (n1 + 1)) / 2
  const mean = (n1 * n2) / 2
  if (tieSizes.length === 0 && n1 <= 20 && n2 <= 20) {
    const counts = exactUCounts(n1, n2)
    const total = counts.reduce((s, c) => s + c, 0)
    const extreme = Math.min(u, n1 * n2 - u)
    let tail = 0
    for (let k = 0; k <= Math.floor(extreme); k++) tail += counts[k]
    return { u, p: Math.min(1, (2 * tail) / total), method: 'exact' }
  }
  if (n1 <= 20 && n2 <= 20) return { u, p: exactTiedP(ranks, n1, u - mean), method: 'exact' }
  const n = n1 + n2
  const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / (n * (n - 1))
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm)
  if (variance <= 0) return { u, p: 1, method: 'normal' }
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance)
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0)))), method: 'normal' }
}

/**
 * Exact two-sided p of U under ties: the permutation distribution of the first sample's rank sum
 * over every way to pick n1 of the pooled midranks (counted by dynamic programming over
 * half-ranks, so C(40, 20) subsets cost a few thousand steps). Ties are common here: HDR
 * percentiles are rounded, and the normal approximation cannot reach p < 0.01 at 5 against 5.
 */
function exactTiedP(ranks: number[], n1: number, deviation: number): number {
  const halves = ranks.map((r) => Math.round(r * 2))
  const maxSum = halves.reduce((s, h) => s + h, 0)
  // ways[k][s]: subsets of size k with half-rank sum s.
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1))
  ways[0][0] = 1
  for (const h of halves) {
    for (let k = n1; k >= 1; k--) {
      const from = ways[k - 1]
      const to = ways[k]
      for (let s = maxSum - h; s >= 0; s--) if (from[s] !== 0) to[s + h] += from[s]
    }
  }
  const shift = (n1 * (n1 + 1)) / 2
  const mean = (n1 * (ranks.length - n1)) / 2
  let total = 0
  let extreme = 0
  for (let s = 0; s <= maxSum; s++) {
    const c = ways[n1][s]
    if (c === 0) continue
    total += c
    if (Math.abs(s / 2 - shift - mean) >= Math.abs(deviation) - 1e-9) extreme += c
  }
  return Math.min(1, extreme / total)
}

/**
 * The medians of successive resamples of `values` (n draws with replacement, `random()` called n
 * times in order): exactly median(values.map(() => values[⌊random() · n⌋])), but the resample is
 * counted by rank in the values sorted once, not copied and sorted again. The bootstraps take
 * thousands of these per metric and comparison; sorting each was most of a verdict's time.
 */
export function resampledMedians(values: number[], random: () => number): () => number {
  const n = values.length
  if (n === 0) return () => NaN
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b])
  const sorted = order.map((i) => values[i])
  const rankOf = new Int32Array(n)
  order.forEach((index, rank) => (rankOf[index] = rank))
  const counts = new Int32Array(n)
  const mid = n >> 1
  return () => {
    counts.fill(0)
    for (let k = 0; k < n; k++) counts[rankOf[Math.floor(random() * n)]]++
    // The values at positions mid - 1 and mid of the sorted resample.
    let below = NaN
    let seen = 0
    for (let rank = 0; rank < n; rank++) {
      seen += counts[rank]
      if (Number.isNaN(below) && seen > mid - 1) below = sorted[rank]
      if (seen > mid) return n % 2 ? sorted[rank] : (below + sorted[rank]) / 2
    }
    return NaN
  }
}

/**
 * Percentile bootstrap interval of median(current) / median(baseline) − 1: the relative change,
 * e.g. 0.12 for 12 % higher.
 */
export function bootstrapRelativeChange(
  baseline: number[],
  current: number[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): { estimate: number; low: number; high: number } {
  const { iterations = 2000, confidence = 0.95, seed = 42 } = options
  const estimate = median(current) / median(baseline) - 1
  const random = seededRandom(seed)
  const baseMedian = resampledMedians(baseline, random)
  const currentMedian = resampledMedians(current, random)
  const changes: number[] = []
  for (let i = 0; i < iterations; i++) {
    const base = baseMedian()
    if (base !== 0) changes.push(currentMedian() / base - 1)
  }
  // A typed array sorts numerically without a comparator call per step.
  const sorted = Float64Array.from(changes).sort()
  const tail = (1 - confidence) / 2
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]
  return { estimate, low: at(tail), high: at(1 - tail) }
}

/** Robust coefficient of variation: 1.4826 × MAD / median (the SD / mean of a normal sample, unmoved by one outlier). */
export function robustCv(values: number[]): number {
  const m = median(values)
  if (values.length < 2 || !Number.isFinite(m) || m === 0) return values.length < 2 ? NaN : 0
  return (1.4826 * median(values.map((v) => Math.abs(v - m)))) / Math.abs(m)
}

/** Robust spread in the values' own unit: 1.4826 × MAD (for absolute metrics such as the error rate). */
export function robustSpread(values: number[]): number {
  const m = median(values)
  return values.length < 2 ? NaN : 1.4826 * median(values.map((v) => Math.abs(v - m)))
}

/** Quantile of the standard normal distribution (bisection on normalCdf, to 1e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity
  if (p >= 1) return Infinity
  let low = -40
  let high = 40
  while (high - low > 1e-9) {
    const mid = (low + high) / 2
    if (normalCdf(mid) < p) low = mid
    else high = mid
  }
  return (low + high) / 2
}

export interface SignedRank {
  /** W+: the sum of the ranks of |d| over the positive differences (zeros dropped, ties midranked). */
  w: number
  /** The differences that are not zero: the sample size the test is about. */
  n: number
  /** Two-sided p-value. */
  p: number
  method: 'exact' | 'normal'
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences around zero. Zeros are dropped
 * (Wilcoxon's method, scipy's default). Up to 50 differences the p is exact, ties included: the
 * distribution of W+ over all 2^n sign flips of the midranks, by dynamic programming over
 * half-ranks. Beyond, the normal approximation with the tie and continuity corrections.
 */
export function wilcoxonSignedRank(differences: number[]): SignedRank {
  const d = differences.filter((x) => x !== 0 && !Number.isNaN(x))
  const n = d.length
  if (n === 0) return { w: 0, n: 0, p: 1, method: 'exact' }
  const { ranks, tieSizes } = midranks(d.map(Math.abs))
  const w = d.reduce((s, x, i) => (x > 0 ? s + ranks[i] : s), 0)
  const mean = (n * (n + 1)) / 4
  if (n <= 50) return { w, n, p: exactSignedRankP(ranks, w - mean), method: 'exact' }
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / 48
  if (variance <= 0) return { w, n, p: 1, method: 'normal' }
  const z = (Math.abs(w - mean) - 0.5) / Math.sqrt(variance)
  return { w, n, p: Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0)))), method: 'normal' }
}

/** P(|W+ − mean| ≥ |deviation|) when each rank's sign is a fair coin: probabilities, not counts (2^50 overflows nothing). */
function exactSignedRankP(ranks: number[], deviation: number): number {
  const halves = ranks.map((r) => Math.round(r * 2))
  const maxSum = halves.reduce((s, h) => s + h, 0)
  let dist = new Float64Array(maxSum + 1)
  dist[0] = 1
  for (const h of halves) {
    const next = new Float64Array(maxSum + 1)
    for (let s = 0; s <= maxSum - h; s++) {
      if (dist[s] === 0) continue
      next[s] += dist[s] / 2
      next[s + h] += dist[s] / 2
    }
    dist = next
  }
  const mean = maxSum / 4
  let extreme = 0
  for (let s = 0; s <= maxSum; s++) if (dist[s] !== 0 && Math.abs(s / 2 - mean) >= Math.abs(deviation) - 1e-9) extreme += dist[s]
  return Math.min(1, extreme)
}

/**
 * Percentile bootstrap interval of the median of `values` (resampled with replacement), e.g. of
 * the per-pair log ratios of a paired comparison.
 */
export function bootstrapMedian(
  values: number[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): { estimate: number; low: number; high: number } {
  const { iterations = 2000, confidence = 0.95, seed = 42 } = options
  const estimate = median(values)
  if (values.length === 0) return { estimate, low: NaN, high: NaN }
  const next = resampledMedians(values, seededRandom(seed))
  const medians = new Float64Array(iterations)
  for (let i = 0; i < iterations; i++) medians[i] = next()
  medians.sort()
  const tail = (1 - confidence) / 2
  const at = (q: number) => medians[Math.min(medians.length - 1, Math.max(0, Math.floor(q * medians.length)))]
  return { estimate, low: at(tail), high: at(1 - tail) }
}
