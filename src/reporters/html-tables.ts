import { escapeHtml } from '../core/escape.ts'
import { boundTexts, formatCount, formatKpiValue, formatMs, formatPercent, formatRate, GRADE_LABEL } from './format.ts'
import { KPI_DEFS, KPI_NAMES, type Grade, type KpiName, type KpiTable } from './kpi.ts'
import { scenarioExecutor, stateNote, type RunRow, type ScenarioRow } from './run-rows.ts'

export { escapeHtml }

export const gradeBadge = (g: Grade | undefined) => (g ? `<span class="badge grade-${g}">${GRADE_LABEL[g]}</span>` : '')

function graded(row: RunRow, k: KpiName): string {
  const g = row.grades.byKpi[k]
  if (!g) return '–'
  return `<span class="dot grade-${g.grade}" title="${GRADE_LABEL[g.grade]}"></span>${formatKpiValue(g.value, KPI_DEFS[k].unit)}`
}

/** The table at the top of report.html: one row per run, linking to its section. */
export function runSummaryTable(rows: readonly RunRow[]): string {
  const memory = rows.some((r) => r.peakMemoryMb !== undefined)
  const head = [
    'test',
    'executor',
    '#iterations',
    '#throughput',
    '#avg latency',
    '#p95',
    '#p99',
    '#success',
    '#dropped',
    ...(memory ? ['#memory'] : []),
    'grade',
    'result',
  ]
  const th = head.map((h) => (h.startsWith('#') ? `<th class="num">${h.slice(1)}</th>` : `<th>${h}</th>`)).join('')
  const body = rows.map((row) => {
    const r = row.result
    const cells = [
      `<td class="wrap"><a href="#${row.id}">${escapeHtml(row.label)}</a></td>`,
      `<td>${escapeHtml(r.config.executor)}</td>`,
      `<td class="num">${formatCount(r.iterations)}</td>`,
      `<td class="num">${graded(row, 'throughput')}</td>`,
      `<td class="num">${graded(row, 'avgLatency')}</td>`,
      `<td class="num">${r.latency.count ? formatMs(r.latency.p95) : '–'}</td>`,
      `<td class="num">${graded(row, 'p99Latency')}</td>`,
      `<td class="num">${graded(row, 'successRate')}</td>`,
      `<td class="num">${formatCount(r.dropped)}</td>`,
      ...(memory ? [`<td class="num">${graded(row, 'memory')}</td>`] : []),
      `<td>${gradeBadge(row.grades.overall) || '–'}</td>`,
      `<td><span class="badge verdict-${row.verdict.status}">${escapeHtml(row.verdict.text)}${stateNote(r, row.verdict)}</span></td>`,
    ]
    return [`<tr>${cells.join('')}</tr>`, ...row.scenarios.map((s) => scenarioSummaryRow(s, memory))].join('')
  })
  return `<table class="data"><tr>${th}</tr>${body.join('')}</table>`
}

/** A scenario under its run in the summary table: its own numbers, ungraded (grades are the run's). */
function scenarioSummaryRow(s: ScenarioRow, memory: boolean): string {
  const x = s.result
  const ms = (v: number) => (x.latency.count ? formatMs(v) : '–')
  const cells = [
    `<td class="wrap">↳ ${escapeHtml(s.name)}</td>`,
    `<td>${escapeHtml(scenarioExecutor(x))}</td>`,
    `<td class="num">${formatCount(x.iterations)}</td>`,
    `<td class="num">${formatRate(x.throughput)}</td>`,
    `<td class="num">${ms(x.latency.mean)}</td>`,
    `<td class="num">${ms(x.latency.p95)}</td>`,
    `<td class="num">${ms(x.latency.p99)}</td>`,
    `<td class="num">${s.successRate === undefined ? '–' : formatPercent(s.successRate)}</td>`,
    `<td class="num">${formatCount(x.dropped)}</td>`,
    ...(memory ? ['<td></td>'] : []),
    '<td></td>',
    `<td>${s.verdict ? `<span class="badge verdict-fail">${escapeHtml(s.verdict)}</span>` : ''}</td>`,
  ]
  return `<tr class="scenario">${cells.join('')}</tr>`
}

/** A run's scenarios in its section: when each started, how long it ran, what it measured. */
export function scenariosTable(rows: readonly ScenarioRow[]): string {
  if (rows.length === 0) return ''
  const head = [
    'scenario',
    'executor',
    '#start',
    '#duration',
    '#iterations',
    '#throughput',
    '#p50',
    '#p95',
    '#p99',
    '#errors',
    '#dropped',
    '#interrupted',
    '#VUs',
    '',
  ]
  const th = head.map((h) => (h.startsWith('#') ? `<th class="num">${h.slice(1)}</th>` : `<th>${h}</th>`)).join('')
  const body = rows.map(({ name, result: x, verdict }) => {
    const ms = (v: number) => (x.latency.count ? formatMs(v) : '–')
    return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(x.executor)}</td><td class="num">${formatMs(x.startTime)}</td><td class="num">${formatMs(x.durationMs)}</td><td class="num">${formatCount(x.iterations)}</td><td class="num">${formatRate(x.throughput)}</td><td class="num">${ms(x.latency.p50)}</td><td class="num">${ms(x.latency.p95)}</td><td class="num">${ms(x.latency.p99)}</td><td class="num">${formatCount(x.failed)}</td><td class="num">${formatCount(x.dropped)}</td><td class="num">${formatCount(x.interrupted)}</td><td class="num">${formatCount(x.vusAllocated)}</td><td>${verdict ? `<span class="bad">${escapeHtml(verdict)}</span>` : ''}</td></tr>`
  })
  return `<div class="sub"><h3>Scenarios</h3><div class="scroll"><table class="data"><tr>${th}</tr>${body.join('')}</table></div></div>`
}

export function kpiLegendHtml(kpi: KpiTable, memoryShown: boolean): string {
  const rows: string[] = []
  for (const name of KPI_NAMES) {
    const bounds = kpi[name]
    if (bounds === false || (name === 'memory' && !memoryShown)) continue
    const t = boundTexts(bounds, KPI_DEFS[name])
    rows.push(
      `<tr><td>${KPI_DEFS[name].label}</td><td>${escapeHtml(t.good)}</td><td>${escapeHtml(t.acceptable)}</td><td>${escapeHtml(t.poor)}</td></tr>`,
    )
  }
  if (rows.length === 0) return ''
  const head = `<tr><th>KPI</th><th>${gradeBadge('good')}</th><th>${gradeBadge('acceptable')}</th><th>${gradeBadge('poor')}</th></tr>`
  return `<table class="data">${head}${rows.join('')}</table>
<p>Between the Acceptable and the Poor bound a value is ${gradeBadge('marginal')}. A run’s grade is its worst KPI. Success counts dropped and interrupted iterations as failures.</p>`
}
