import { escapeMarkdown, markdownCode } from '../core/escape.ts'
import { formatComparisonMarkdown } from '../baselines/format.ts'
import { matrixMarkdown, matrixRows } from './matrix-table.ts'
import { formatValue } from '../thresholds/evaluate.ts'
import type { PerfTestEntry } from './collect.ts'
import { boundTexts, formatCount, formatKpiValue, formatMs, formatPercent, formatRate, GRADE_ICON, GRADE_LABEL } from './format.ts'
import { KPI_DEFS, KPI_NAMES, type KpiName, type KpiTable } from './kpi.ts'
import { gradeCounts, INTERRUPTED_HEADLINE, runRows, scenarioExecutor, stateNote, type RunRow, type ScenarioRow } from './run-rows.ts'

export interface MarkdownOptions {
  kpi: KpiTable
  /** Heading level of the title: 2 fits a PR comment or a step summary under the job's own title. */
  level?: number
  /** The run was stopped before its end: the report says so before anything else. */
  interrupted?: boolean
}

const INTERRUPTED_NOTE = `> ⚠️ **${INTERRUPTED_HEADLINE}.** The run was stopped before its end: a test that was running shows what it had measured by then, tests that had not started are missing.`

// Every value from a test or a results file: pipes and newlines would break a row, `<` open HTML.
const cell = escapeMarkdown

function graded(row: RunRow, name: KpiName, fallback: string): string {
  const g = row.grades.byKpi[name]
  return g ? `${GRADE_ICON[g.grade]} ${formatKpiValue(g.value, KPI_DEFS[name].unit)}` : fallback
}

function resultCell(row: RunRow): string {
  const icon = row.verdict.status === 'pass' ? '✅' : row.verdict.status === 'fail' ? '❌' : row.testState === 'interrupted' ? '⚠️' : '⏭️'
  return `${icon} ${row.verdict.text}${stateNote(row.result, row.verdict)}`
}

function summaryTable(rows: RunRow[]): string[] {
  const memory = rows.some((r) => r.peakMemoryMb !== undefined)
  const header = [
    'Test',
    'Executor',
    'Iterations',
    'Throughput',
    'Avg latency',
    'p95',
    'p99',
    'Success',
    'Dropped',
    ...(memory ? ['Memory (test process)'] : []),
    'Grade',
    'Result',
  ]
  const align = header.map((h) => (['Test', 'Executor', 'Grade', 'Result'].includes(h) ? ':--' : '--:'))
  const lines = [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`]
  for (const row of rows) {
    const r = row.result
    const overall = row.grades.overall
    const cells = [
      cell(row.label),
      cell(r.config.executor),
      formatCount(r.iterations),
      graded(row, 'throughput', '–'),
      graded(row, 'avgLatency', '–'),
      r.latency.count > 0 ? formatMs(r.latency.p95) : '–',
      graded(row, 'p99Latency', '–'),
      graded(row, 'successRate', '–'),
      formatCount(r.dropped),
      ...(memory ? [graded(row, 'memory', '–')] : []),
      overall ? `${GRADE_ICON[overall]} ${GRADE_LABEL[overall]}` : '–',
      resultCell(row),
    ]
    lines.push(`| ${cells.join(' | ')} |`)
    for (const s of row.scenarios) lines.push(`| ${scenarioCells(s, memory).join(' | ')} |`)
  }
  return lines
}

/** A scenario's row under its run: its own numbers, ungraded (the KPI grades are the run's). */
function scenarioCells(s: ScenarioRow, memory: boolean): string[] {
  const x = s.result
  return [
    `↳ ${cell(s.name)}`,
    cell(scenarioExecutor(x)),
    formatCount(x.iterations),
    formatRate(x.throughput),
    x.latency.count > 0 ? formatMs(x.latency.mean) : '–',
    x.latency.count > 0 ? formatMs(x.latency.p95) : '–',
    x.latency.count > 0 ? formatMs(x.latency.p99) : '–',
    s.successRate === undefined ? '–' : formatPercent(s.successRate),
    formatCount(x.dropped),
    ...(memory ? [''] : []),
    '',
    s.verdict ? `❌ ${s.verdict}` : '',
  ]
}

function failedThresholds(rows: RunRow[]): string[] {
  const failing = rows.filter((r) => r.failedThresholds.length > 0 || r.result.abort)
  if (failing.length === 0) return []
  const lines = ['', '**Failed thresholds**', '']
  for (const row of failing) {
    for (const t of row.failedThresholds) {
      const actual = t.actual === null ? (t.note ?? 'no value') : formatValue(t.actual, t.unit)
      lines.push(`- ${cell(row.label)}: ${markdownCode(`${t.metric}: ${t.expression}`)} was ${cell(actual)}`)
    }
    if (row.result.abort)
      lines.push(`- ${cell(row.label)}: aborted early (${cell(row.result.abort.reason)}: ${cell(row.result.abort.detail)})`)
  }
  return lines
}

function kpiLegend(kpi: KpiTable, memoryShown: boolean): string[] {
  const lines = [
    '',
    '<details><summary>KPI grades</summary>',
    '',
    '| KPI | 🟢 Good | 🟡 Acceptable | 🔴 Poor |',
    '| :-- | :-- | :-- | :-- |',
  ]
  for (const name of KPI_NAMES) {
    const bounds = kpi[name]
    if (bounds === false || (name === 'memory' && !memoryShown)) continue
    const t = boundTexts(bounds, KPI_DEFS[name])
    lines.push(`| ${KPI_DEFS[name].label} | ${t.good} | ${t.acceptable} | ${t.poor} |`)
  }
  lines.push(
    '',
    'Between the Acceptable and the Poor bound a value is 🟠 Marginal. A run’s grade is its worst KPI; a failed test is graded Poor whatever its KPIs. Success counts dropped and interrupted iterations as failures; memory is the peak rss of the test process.',
    '',
    '</details>',
  )
  return lines
}

/** The Markdown report: a summary table with KPI grades, short enough for a pull-request comment. */
/** Each run compared with its baseline (toMatchBaseline, runAB): the verdict table. */
function baselineSections(entries: readonly PerfTestEntry[]): string[] {
  const out: string[] = []
  for (const e of entries) {
    for (const r of e.results) {
      if (!r.baseline || r.baseline.metrics.length === 0) continue
      out.push('', formatComparisonMarkdown(r.baseline, `${cell(r.name ?? e.test)} against its baseline`))
    }
  }
  return out.length ? ['', '### Baselines', ...out] : []
}

function matrixSection(entries: readonly PerfTestEntry[]): string[] {
  const rows = matrixRows([...entries])
  return rows.length ? ['', matrixMarkdown(rows)] : []
}

export function formatMarkdown(entries: readonly PerfTestEntry[], options: MarkdownOptions): string {
  const rows = runRows(entries, options.kpi)
  const title = `${'#'.repeat(options.level ?? 2)} vitest-perf report`
  const warning = options.interrupted ? ['', INTERRUPTED_NOTE] : []
  if (rows.length === 0) return [title, ...warning, '', 'No perf runs were recorded.', ''].join('\n')
  const failedTests = entries.filter((e) => e.state === 'failed').length
  const counts = gradeCounts(rows).map(([g, n]) => `${GRADE_ICON[g]} ${n} ${GRADE_LABEL[g]}`)
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const headline = [
    `**${plural(rows.length, 'run')} in ${plural(entries.length, 'test')}**`,
    ...counts,
    ...(failedTests > 0 ? [`❌ ${plural(failedTests, 'failed test')}`] : []),
  ]
  return [
    title,
    ...warning,
    '',
    headline.join(' · '),
    '',
    ...summaryTable(rows),
    '',
    '<sub>Latency from the planned start (coordinated-omission corrected).</sub>',
    ...failedThresholds(rows),
    ...kpiLegend(
      options.kpi,
      rows.some((r) => r.peakMemoryMb !== undefined),
    ),
    ...baselineSections(entries),
    ...matrixSection(entries),
    '',
  ].join('\n')
}
