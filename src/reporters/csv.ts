import { csvCell } from '../core/escape.ts'
import type { PerfTestEntry } from './collect.ts'
import { KPI_NAMES, type KpiName, type KpiTable } from './kpi.ts'
import type { RunResult } from '../core/result.ts'
import { baselineVerdict, runRows, type RunRow, type ScenarioRow } from './run-rows.ts'

type Cell = string | number | undefined

const round = (v: number | undefined, digits = 3): Cell => (v === undefined ? undefined : Math.round(v * 10 ** digits) / 10 ** digits)

const GRADE_COLUMNS: Record<KpiName, string> = {
  throughput: 'grade_throughput',
  avgLatency: 'grade_avg_latency',
  p99Latency: 'grade_p99_latency',
  successRate: 'grade_success',
  memory: 'grade_memory',
}

// Raw numbers in fixed units (ms, per second, %, MB) so spreadsheets can compute with them.
const COLUMNS: [string, (row: RunRow) => Cell][] = [
  ['project', (x) => x.project],
  ['file', (x) => x.file],
  ['test', (x) => x.test],
  ['run', (x) => x.run],
  ['name', (x) => x.result.name],
  ['test_state', (x) => x.testState],
  ['run_state', (x) => x.result.state],
  ['verdict', (x) => x.verdict.text],
  ['baseline_verdict', (x) => baselineVerdict(x.result)],
  ['executor', (x) => x.result.config.executor],
  ['started_at', (x) => x.result.startedAt],
  ['duration_ms', (x) => round(x.result.durationMs)],
  ['iterations', (x) => x.result.iterations],
  ['failed', (x) => x.result.failed],
  ['interrupted', (x) => x.result.interrupted],
  ['dropped', (x) => x.result.dropped],
  ['throughput_per_s', (x) => round(x.result.throughput)],
  ['error_rate', (x) => round(x.result.errors.rate, 6)],
  ['success_pct', (x) => round(x.successRate)],
  ['latency_min_ms', (x) => x.result.latency.min],
  ['latency_mean_ms', (x) => x.result.latency.mean],
  ['latency_p50_ms', (x) => x.result.latency.p50],
  ['latency_p90_ms', (x) => x.result.latency.p90],
  ['latency_p95_ms', (x) => x.result.latency.p95],
  ['latency_p99_ms', (x) => x.result.latency.p99],
  ['latency_p999_ms', (x) => x.result.latency.p999],
  ['latency_max_ms', (x) => x.result.latency.max],
  ['service_p50_ms', (x) => x.result.serviceTime.p50],
  ['service_p95_ms', (x) => x.result.serviceTime.p95],
  ['service_p99_ms', (x) => x.result.serviceTime.p99],
  ['vus_allocated', (x) => x.result.vusAllocated],
  ['peak_memory_mb', (x) => round(x.peakMemoryMb, 1)],
  ['thresholds_failed', (x) => x.failedThresholds.length],
  ['grade', (x) => x.grades.overall],
  ...KPI_NAMES.map((k): [string, (row: RunRow) => Cell] => [GRADE_COLUMNS[k], (x) => x.grades.byKpi[k]?.grade]),
  // Last, so the columns before keep their places: empty on a run's row, the scenario's name on its rows.
  ['scenario', (x) => SCENARIO.get(x)],
]

export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name)

export { csvCell }

const SCENARIO = new WeakMap<RunRow, string>()

/**
 * A scenario's row: the run's identity (test, run, name, state) with the scenario's own numbers,
 * its thresholds' verdict, and no grades or baseline (those are the run's).
 */
function scenarioRow(row: RunRow, s: ScenarioRow): RunRow {
  const { baseline: _baseline, ...run } = row.result
  const result = { ...run, ...s.result, config: { ...run.config, executor: s.result.executor } } as RunResult
  const scenario: RunRow = {
    ...row,
    result,
    verdict: { status: s.verdict ? 'fail' : 'other', text: s.verdict },
    failedThresholds: s.failedThresholds,
    successRate: s.successRate,
    peakMemoryMb: undefined,
    grades: { byKpi: {}, overall: undefined },
    scenarios: [],
  }
  SCENARIO.set(scenario, s.name)
  return scenario
}

/** summary.csv: a header and one row per run of every perf test, then one per scenario of a run with scenarios. */
export function formatCsv(entries: readonly PerfTestEntry[], kpi: KpiTable): string {
  const lines = [CSV_COLUMNS.join(',')]
  const line = (row: RunRow) => COLUMNS.map(([, get]) => csvCell(get(row))).join(',')
  for (const row of runRows(entries, kpi)) {
    lines.push(line(row))
    for (const s of row.scenarios) lines.push(line(scenarioRow(row, s)))
  }
  return `${lines.join('\n')}\n`
}
