import { normalQuantile } from '../core/stats.ts'

/** Power the verdict is planned for: a real change of the given size is found 80 % of the time. */
export const POWER = 0.8

/** Asymptotic efficiency of the rank test against the t test on normal data (3/π). */
const RANK_EFFICIENCY = 3 / Math.PI

/**
 * The smallest p the exact rank test can reach with n1 against n2 repetitions: two fully
 * separated samples, 2 / C(n1 + n2, n1). At or above alpha no change can be significant.
 */
export function smallestP(n1: number, n2: number): number {
  let c = 1
  for (let i = 1; i <= n1; i++) c = (c * (n2 + i)) / i
  return Math.min(1, 2 / c)
}

const zSum = (alpha: number) => normalQuantile(1 - alpha / 2) + normalQuantile(POWER)

/**
 * The smallest change (relative, or absolute for absolute metrics) that n1 against n2 repetitions
 * with this noise detect at `alpha` with 80 % power: (z₁₋α/₂ + z₀.₈) · noise · √(1/n1 + 1/n2) / √(3/π).
 * Infinity when the rank test cannot reach alpha at all with so few repetitions.
 */
export function detectableChange(noise: number, n1: number, n2: number, alpha: number): number {
  if (smallestP(n1, n2) >= alpha || !Number.isFinite(noise)) return Infinity
  return (zSum(alpha) * noise * Math.sqrt(1 / n1 + 1 / n2)) / Math.sqrt(RANK_EFFICIENCY)
}

/**
 * Repetitions a side to detect `change` with this noise at `alpha` (80 % power), never fewer than
 * the rank test needs to reach alpha at all (5 a side at 0.01). Infinity for no change or no noise estimate.
 */
export function repetitionsNeeded(noise: number, change: number, alpha: number): number {
  if (!(change > 0) || !Number.isFinite(noise)) return Infinity
  const n = Math.ceil((2 * (zSum(alpha) * noise) ** 2) / (change ** 2 * RANK_EFFICIENCY))
  let least = 2
  while (smallestP(least, least) >= alpha) least++
  return Math.max(n, least)
}
