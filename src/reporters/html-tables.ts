import { boundTexts, formatCount, formatKpiValue, formatMs, GRADE_LABEL } from './format.ts'
import { KPI_DEFS, KPI_NAMES, type Grade, type KpiName, type KpiTable } from './kpi.ts'
import type { RunRow } from './run-rows.ts'

export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

export const gradeBadge = (g: Grade | undefined) => (g ? `<span class="badge grade-${g}">${GRADE_LABEL[g]}</span>` : '')

function graded(row: RunRow, k: KpiName): string {
  const g = row.grades.byKpi[k]
  if (!g) return '–'
  return `<span class="dot grade-${g.grade}" title="${GRADE_LABEL[g.grade]}"></span>${formatKpiValue(g.value, KPI_DEFS[k].unit)}`
}

/** The table at the top of report.html: one row per run, linking to its section. */
export function runSummaryTable(rows: readonly RunRow[]): string {
  const memory = rows.some((r) => r.peakMemoryMb !== undefined)
  const head = ['test', 'executor', '#iterations', '#throughput', '#avg latency', '#p95', '#p99', '#success', '#dropped', ...(memory ? ['#memory'] : []), 'grade', 'result']
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
      `<td><span class="badge verdict-${row.verdict.status}">${escapeHtml(row.verdict.text)}${r.state === 'aborted' ? ' (aborted)' : ''}</span></td>`,
    ]
    return `<tr>${cells.join('')}</tr>`
  })
  return `<table class="data"><tr>${th}</tr>${body.join('')}</table>`
}

export function kpiLegendHtml(kpi: KpiTable, memoryShown: boolean): string {
  const rows: string[] = []
  for (const name of KPI_NAMES) {
    const bounds = kpi[name]
    if (bounds === false || (name === 'memory' && !memoryShown)) continue
    const t = boundTexts(bounds, KPI_DEFS[name])
    rows.push(`<tr><td>${KPI_DEFS[name].label}</td><td>${escapeHtml(t.good)}</td><td>${escapeHtml(t.acceptable)}</td><td>${escapeHtml(t.poor)}</td></tr>`)
  }
  if (rows.length === 0) return ''
  const head = `<tr><th>KPI</th><th>${gradeBadge('good')}</th><th>${gradeBadge('acceptable')}</th><th>${gradeBadge('poor')}</th></tr>`
  return `<table class="data">${head}${rows.join('')}</table>
<p>Between the Acceptable and the Poor bound a value is ${gradeBadge('marginal')}. A run’s grade is its worst KPI. Success counts dropped and interrupted iterations as failures.</p>`
}
