import type { RunResult } from 'vitest-perf'

// The scenario's numbers (Kailash LocalRuntime load testing, "Performance Targets"), in one place.

/** Minimum acceptable performance per concurrency level ("production readiness criteria"). */
export const LEVELS = [
  { concurrent: 100, throughput: 5, avgLatency: '2s' },
  { concurrent: 500, throughput: 15, avgLatency: '5s' },
  { concurrent: 1000, throughput: 25, avgLatency: '10s' },
] as const

/** Error rate: under 5 % under normal load, under 15 % under stress. */
export const ERROR_RATE = { normal: '5%', stress: '15%' } as const

/** P99 latency goal under normal load. */
export const P99 = '15s'

/** The top stress level: 2000 workflows in flight (the scenario's goal there, 80/s, is not a bar). */
export const STRESS = { concurrent: 2000 } as const

/** Peak memory under normal load: under 1 GB. */
export const PEAK_MEMORY_MB = 1024

/** 24-hour stability: under 10 % performance degradation. */
export const DEGRADATION = '< 10%'

/** Peak RSS of the test process during a run, in MB (the monitor samples it every second). */
export function peakRssMb(result: RunResult): number {
  return Math.max(0, ...result.resources.map((s) => s.rss)) / 2 ** 20
}
