import { durationScale } from 'vitest-perf'

/**
 * A run length written at full size (`ms`, which VITEST_PERF_DURATION_SCALE shrinks or stretches)
 * that never runs for less than `realMs` of real time: a soak judged between its halves, or a
 * ramp that must start in a later whole second, needs that much whatever the scale.
 */
export function atLeast(ms: number, realMs: number): number {
  return Math.max(ms, realMs / durationScale())
}
