import type { RunResult } from '../core/result.ts'

/** One perf test as the reporters see it; `interrupted`: still running when Vitest was interrupted. */
export interface PerfTestEntry {
  project: string
  file: string
  test: string
  state: 'passed' | 'failed' | 'skipped' | 'pending' | 'interrupted'
  results: RunResult[]
}

/** A results file as the CLI reads it: `interrupted` when the run was stopped before its end. */
export interface ResultsFile {
  entries: PerfTestEntry[]
  interrupted: boolean
}
