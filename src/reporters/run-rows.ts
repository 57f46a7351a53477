import { splitScenario } from '../core/metric-key.ts'
import type { RunResult, ScenarioResult } from '../core/result.ts'
import type { ThresholdOutcome } from '../core/result.ts'
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
  /** Runs with scenarios: one row per scenario, in the config's order. */
  scenarios: ScenarioRow[]
}

/** One scenario of a run, as the reports show it under the run's row. */
export interface ScenarioRow {
  name: string
  result: ScenarioResult
  /** The failed thresholds of this scenario: those keyed `{scenario:<name>}`. */
  failedThresholds: ThresholdOutcome[]
  successRate: number | undefined
  /** `FAIL (1 threshold)` when one of its thresholds failed, else empty. */
  verdict: string
}

/** What the executor cell says of a scenario: its executor, and its startTime when it starts later. */
export function scenarioExecutor(s: ScenarioResult): string {
  if (s.startTime <= 0) return s.executor
  const at = s.startTime >= 1000 ? `${Number((s.startTime / 1000).toFixed(3))}s` : `${Math.round(s.startTime)}ms`
  return `${s.executor} from ${at}`
}

/** The scenarios of a run, each with its own thresholds' verdict. */
export function scenarioRows(result: RunResult): ScenarioRow[] {
  return Object.entries(result.scenarios ?? {}).map(([name, s]) => {
    const failedThresholds = result.thresholds.filter((t) => !t.ok && splitScenario(t.metric)?.scenario === name)
    const n = failedThresholds.length
    return {
      name,
      result: s,
      failedThresholds,
      successRate: successRate(s),
      verdict: n > 0 ? `FAIL (${n} threshold${n > 1 ? 's' : ''})` : '',
    }
  })
}

/** The header every report of an interrupted run starts with. */
export const INTERRUPTED_HEADLINE = 'INTERRUPTED — partial results'

/** What reports add after a run's figures or verdict when it did not complete: ` (aborted)`, ` (interrupted)`. */
export function stateNote(result: RunResult, verdict?: RunRow['verdict']): string {
  return result.state === 'completed' || verdict?.text === result.state ? '' : ` (${result.state})`
}

/** A baseline verdict as reports show it: `REGRESSION (major)`, `INCONCLUSIVE`, `IMPROVEMENT`. */
export function baselineVerdict(result: RunResult): string | undefined {
  const b = result.baseline
  if (b === undefined) return undefined
  return b.severity ? `${b.verdict} (${b.severity})` : b.verdict
}

/**
 * What a run's verdict cell says: why the test failed (thresholds, a baseline REGRESSION), or
 * pass with the baseline verdict when it was compared. The console, md, csv and html share it.
 */
export function runVerdict(state: PerfTestEntry['state'], result: RunResult): RunRow['verdict'] {
  const failed = result.thresholds.filter((t) => !t.ok).length
  const baseline = baselineVerdict(result)
  if (state === 'failed') {
    const reasons = [
      ...(failed > 0 ? [`FAIL (${failed} threshold${failed > 1 ? 's' : ''})`] : []),
      ...(baseline && baseline !== 'PASS' && baseline !== 'IMPROVEMENT' ? [baseline] : []),
    ]
    return { status: 'fail', text: reasons.length > 0 ? reasons.join(', ') : 'FAIL' }
  }
  if (state === 'passed') return { status: 'pass', text: baseline && baseline !== 'PASS' ? `pass, ${baseline}` : 'pass' }
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
        verdict: runVerdict(e.state, r),
        failedThresholds,
        successRate: successRate(r),
        peakMemoryMb: peakMemoryMb(r.resources),
        grades: failedGrades(e.state, gradeRun(r, kpi)),
        scenarios: scenarioRows(r),
      })
    })
  }
  return rows
}

/** A failed test is never graded above Poor, whatever its KPIs say. */
function failedGrades(state: PerfTestEntry['state'], grades: KpiGrades): KpiGrades {
  return state === 'failed' ? { ...grades, overall: 'poor' } : grades
}

/** How many runs got each overall grade, worst last. */
export function gradeCounts(rows: readonly RunRow[]): [Grade, number][] {
  const order: Grade[] = ['good', 'acceptable', 'marginal', 'poor']
  return order.map((g) => [g, rows.filter((r) => r.grades.overall === g).length] as [Grade, number]).filter(([, n]) => n > 0)
}
