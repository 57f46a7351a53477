import type { LoadConfig } from 'vitest-perf'

/** A Locust run: `locust --users 20 --spawn-rate 3 --run-time 5m --headless`. */
export interface Profile {
  name: string
  users: number
  /** Users started per second until all run. */
  spawnRate: number
  runTime: string
  runTimeMs: number
}

const profile = (name: string, users: number, spawnRate: number, runTime: string, minutes: number): Profile => ({
  name,
  users,
  spawnRate,
  runTime,
  runTimeMs: minutes * 60_000,
})

/** The scenario's three stress profiles. */
export const PROFILES: Profile[] = [profile('light', 10, 2, '2m', 2), profile('medium', 20, 3, '5m', 5), profile('heavy', 50, 5, '10m', 10)]

/**
 * Locust's schedule as ramping-vus stages: users start at `spawnRate` a second (a linear ramp of
 * users / spawnRate seconds), then all of them run until the run time (which includes the ramp)
 * is up. VITEST_PERF_DURATION_SCALE scales both stages.
 */
export function usersOf(p: Profile): LoadConfig {
  const rampMs = Math.round((p.users / p.spawnRate) * 1000)
  return {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: [
      { duration: rampMs, target: p.users },
      { duration: p.runTimeMs - rampMs, target: p.users },
    ],
    name: `file-storage ${p.name}: ${p.users} users, spawn ${p.spawnRate}/s, ${p.runTime}`,
  }
}
