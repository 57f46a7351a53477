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
  for (let i = 0; i < order.length; ) {
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

/** A small deterministic PRNG (mulberry32) so bootstrap intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Percentile bootstrap interval of median(current) / median(baseline) − 1: the relative change,
 * e.g. 0.12 for 12 % higher.
 */
export function bootstrapRelativeChange(baseline: number[], current: number[], options: { iterations?: number; confidence?: number; seed?: number } = {}): { estimate: number; low: number; high: number } {
  const { iterations = 2000, confidence = 0.95, seed = 42 } = options
  const estimate = median(current) / median(baseline) - 1
  const random = seededRandom(seed)
  const resample = (xs: number[]) => xs.map(() => xs[Math.floor(random() * xs.length)])
  const changes: number[] = []
  for (let i = 0; i < iterations; i++) {
    const base = median(resample(baseline))
    if (base !== 0) changes.push(median(resample(current)) / base - 1)
  }
  changes.sort((x, y) => x - y)
  const tail = (1 - confidence) / 2
  const at = (q: number) => changes[Math.min(changes.length - 1, Math.max(0, Math.floor(q * changes.length)))]
  return { estimate, low: at(tail), high: at(1 - tail) }
}
