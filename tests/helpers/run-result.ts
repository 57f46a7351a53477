import type { RepetitionSummary, RunResult } from '../../src/core/result.ts'

/** A plain RunResult for reporter tests: 100 iterations in 2 s, no samples; override what a test is about. */
export function fakeResult(overrides: Partial<RunResult> = {}): RunResult {
  const latency = { count: 100, min: 1, mean: 20, p50: 15, p90: 30, p95: 40, p99: 80, p999: 90, max: 95 }
  return {
    version: 1,
    name: 'orders',
    state: 'completed',
    config: { executor: 'constant-vus' } as RunResult['config'],
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:02.000Z',
    durationMs: 2000,
    iterations: 100,
    failed: 0,
    interrupted: 0,
    dropped: 0,
    throughput: 50.5,
    vusAllocated: 2,
    latency,
    serviceTime: latency,
    histograms: { latency: '', serviceTime: '' },
    errors: { count: 0, rate: 0, byKind: {} },
    timeline: [],
    metrics: {},
    thresholds: [],
    resources: [],
    environment: { node: 'v24.1.0', platform: 'linux', arch: 'x64', cpus: 2, histograms: 'js' },
    ...overrides,
  }
}

/**
 * A repetition of 1000 iterations whose latency (and service time) percentiles scale with `p50`
 * (p95 = 2.5 × p50, p99 = 3 ×, …); override what a test is about (CPU, probe, otherCores).
 */
export function fakeRepetition(p50: number, overrides: Partial<RepetitionSummary> = {}): RepetitionSummary {
  const s = { count: 1000, min: p50 / 2, mean: p50 * 1.2, p50, p90: p50 * 2, p95: p50 * 2.5, p99: p50 * 3, p999: p50 * 4, max: p50 * 5 }
  return {
    iterations: 1000,
    durationMs: 1000,
    throughput: 1000,
    errorRate: 0,
    dropped: 0,
    latency: s,
    serviceTime: s,
    histograms: { latency: '', serviceTime: '' },
    ...overrides,
  }
}
