import type { RunResult } from '../metrics/result.ts'

/** One perf test as the reporters see it. */
export interface PerfTestEntry {
  project: string
  file: string
  test: string
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  results: RunResult[]
}
