import type { RunResult } from '../metrics/result.ts'
import type { ThresholdOutcome } from '../thresholds/evaluate.ts'
import type { PerfTestEntry } from './collect.ts'
import { gradeRun, successRate, type Grade, type KpiGrades, type KpiTable } from './kpi.ts'
import { peakMemoryMb } from './resources.ts'

/** One run of one perf test, with everything the md, csv and html reports show about it. */
export interface RunRow {
  /** Stable within a report: used for HTML anchors and chart ids. */
  id: string
  label: string
  project: string
  file: string
  test: string
  testState: PerfTestEntry['state']
  /** 1-based position of the run within its test. */
  run: number
  result: RunResult
  verdict: { status: 'pass' | 'fail' | 'other'; text: string }
  failedThresholds: ThresholdOutcome[]
  successRate: number | undefined
  peakMemoryMb: number | undefined
  grades: KpiGrades
}

function verdictOf(state: PerfTestEntry['state'], failed: number): RunRow['verdict'] {
  if (state === 'failed') return { status: 'fail', text: failed > 0 ? `FAIL (${failed} threshold${failed > 1 ? 's' : ''})` : 'FAIL' }
  if (state === 'passed') return { status: 'pass', text: 'pass' }
  return { status: 'other', text: state }
}

export function runRows(entries: readonly PerfTestEntry[], kpi: KpiTable): RunRow[] {
  const projects = new Set(entries.map((e) => e.project).filter(Boolean))
  const rows: RunRow[] = []
  for (const e of entries) {
    const names = e.results.map((r) => r.name ?? e.test)
    e.results.forEach((r, i) => {
      const repeated = names.filter((n) => n === names[i]).length > 1
      const name = repeated ? `${names[i]} #${i + 1}` : names[i]
      const failedThresholds = r.thresholds.filter((t) => !t.ok)
      rows.push({
        id: `run-${rows.length + 1}`,
        label: projects.size > 1 && e.project ? `[${e.project}] ${name}` : name,
        project: e.project,
        file: e.file,
        test: e.test,
        testState: e.state,
        run: i + 1,
        result: r,
        verdict: verdictOf(e.state, failedThresholds.length),
        failedThresholds,
        successRate: successRate(r),
        peakMemoryMb: peakMemoryMb(r.resources),
        grades: gradeRun(r, kpi),
      })
    })
  }
  return rows
}

/** How many runs got each overall grade, worst last. */
export function gradeCounts(rows: readonly RunRow[]): [Grade, number][] {
  const order: Grade[] = ['good', 'acceptable', 'marginal', 'poor']
  return order.map((g) => [g, rows.filter((r) => r.grades.overall === g).length] as [Grade, number]).filter(([, n]) => n > 0)
}
