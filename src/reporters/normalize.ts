import type { RunResult, ScenarioResult } from '../core/result.ts'
import type { PerfTestEntry } from './collect.ts'

const EMPTY_SUMMARY = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const number = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const array = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : [])

/** What a run's totals and each of its scenarios hold, with neutral values where a field is missing. */
function measured(r: Record<string, unknown>) {
  const iterations = number(r.iterations)
  const failed = number(r.failed)
  const errors = isRecord(r.errors) ? r.errors : {}
  const histograms = isRecord(r.histograms) ? r.histograms : {}
  return {
    durationMs: number(r.durationMs),
    iterations,
    failed,
    interrupted: number(r.interrupted),
    dropped: number(r.dropped),
    throughput: number(r.throughput),
    vusAllocated: number(r.vusAllocated),
    latency: { ...EMPTY_SUMMARY, ...(isRecord(r.latency) ? r.latency : {}) },
    serviceTime: { ...EMPTY_SUMMARY, ...(isRecord(r.serviceTime) ? r.serviceTime : {}) },
    histograms: {
      latency: typeof histograms.latency === 'string' ? histograms.latency : '',
      serviceTime: typeof histograms.serviceTime === 'string' ? histograms.serviceTime : '',
    },
    errors: {
      count: number(errors.count, failed),
      rate: number(errors.rate, iterations > 0 ? failed / iterations : 0),
      byKind: (isRecord(errors.byKind) ? errors.byKind : {}) as RunResult['errors']['byKind'],
    },
    timeline: array<RunResult['timeline'][number]>(r.timeline),
    metrics: (isRecord(r.metrics) ? r.metrics : {}) as RunResult['metrics'],
  }
}

function normalizeScenario(input: unknown): ScenarioResult {
  const s = isRecord(input) ? input : {}
  return {
    ...(s as object),
    executor: (typeof s.executor === 'string' ? s.executor : 'unknown') as ScenarioResult['executor'],
    startTime: number(s.startTime),
    ...measured(s),
  }
}

/**
 * A results file may come from an older version or be written by hand: fill what the reports
 * read with neutral values, so a missing field costs a chart or a cell, never the whole report.
 */
export function normalizeResult(input: unknown): RunResult {
  const r = isRecord(input) ? input : {}
  return {
    ...(r as object),
    version: 1,
    state: r.state === 'aborted' || r.state === 'interrupted' ? r.state : 'completed',
    config: { executor: 'unknown', ...(isRecord(r.config) ? r.config : {}) } as unknown as RunResult['config'],
    startedAt: typeof r.startedAt === 'string' ? r.startedAt : '',
    endedAt: typeof r.endedAt === 'string' ? r.endedAt : '',
    ...measured(r),
    ...(isRecord(r.scenarios)
      ? { scenarios: Object.fromEntries(Object.entries(r.scenarios).map(([name, s]) => [name, normalizeScenario(s)])) }
      : {}),
    thresholds: array(r.thresholds),
    resources: array(r.resources),
    environment: (isRecord(r.environment)
      ? r.environment
      : { node: '', platform: '', arch: '', cpus: 0, histograms: 'js' }) as RunResult['environment'],
  }
}

export function normalizeEntries(tests: readonly unknown[]): PerfTestEntry[] {
  return tests.map((t) => {
    const e = isRecord(t) ? t : {}
    const state = e.state === 'failed' || e.state === 'skipped' || e.state === 'pending' || e.state === 'interrupted' ? e.state : 'passed'
    return {
      project: typeof e.project === 'string' ? e.project : '',
      file: typeof e.file === 'string' ? e.file : '',
      test: typeof e.test === 'string' ? e.test : '',
      state,
      results: array(e.results).map(normalizeResult),
    }
  })
}
