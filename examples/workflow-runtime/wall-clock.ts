import { durationScale } from 'vitest-perf'

/**
 * `seconds` of real time, whatever VITEST_PERF_DURATION_SCALE says. vitest-perf multiplies every
 * run duration and fault time by the scale (right for soaks); a run whose faults need real
 * seconds to show recovery, or a stress ramp whose steps must last long enough to measure,
 * states its times here (run length, fault `at`, `duration` and `slot` alike).
 */
export function wallClock(seconds: number): number {
  return (seconds * 1000) / durationScale()
}
