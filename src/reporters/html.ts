import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { formatValue } from '../thresholds/evaluate.ts'
import type { PerfTestEntry } from './collect.ts'
import { formatCount, formatKpiValue, formatMs, formatRate, GRADE_LABEL } from './format.ts'
import { CLIENT_SCRIPT } from './html-client.ts'
import { chartsFor, type ChartSpec } from './html-data.ts'
import { REPORT_CSS } from './html-style.ts'
import { escapeHtml, gradeBadge, kpiLegendHtml, runSummaryTable, scenariosTable } from './html-tables.ts'
import type { KpiName, KpiTable } from './kpi.ts'
import { gradeCounts, INTERRUPTED_HEADLINE, runRows, type RunRow } from './run-rows.ts'

export interface ChartLibrary {
  js: string
  css: string
}

export interface HtmlOptions {
  kpi: KpiTable
  library: ChartLibrary
  createdAt?: string
  /** The run was stopped before its end: a banner says so at the top. */
  interrupted?: boolean
}

let library: Promise<ChartLibrary> | undefined
let read: ChartLibrary | undefined

function chartFiles(): ChartLibrary {
  const require = createRequire(import.meta.url)
  return { js: require.resolve('uplot/dist/uPlot.iife.min.js'), css: require.resolve('uplot/dist/uPlot.min.css') }
}

/** uPlot's minified script and styles, read from node_modules to be inlined: the report must work offline. */
export function loadChartLibrary(): Promise<ChartLibrary> {
  library ??= (async () => {
    const files = chartFiles()
    const [js, css] = await Promise.all([readFile(files.js, 'utf8'), readFile(files.css, 'utf8')])
    return (read = { js, css })
  })()
  return library
}

/** The same, blocking, for the SIGINT handler; it reuses what loadChartLibrary() already read. */
export function loadChartLibrarySync(): ChartLibrary {
  const files = chartFiles()
  read ??= { js: readFileSync(files.js, 'utf8'), css: readFileSync(files.css, 'utf8') }
  return read
}

// Inline <script> bodies end at the first "</script", wherever it is; JSON gets "<" escaped outright.
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1')
// Four decimals are finer than any chart draws and keep long runs' data small.
const inlineJson = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v)).replace(/</g, '\\u003c')

// The CSP allows exactly the inline scripts and styles written here, by hash: no 'unsafe-inline',
// so markup that slipped into a value could not run or restyle the page.
const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

const gradeDot = (row: RunRow, k: KpiName) => {
  const g = row.grades.byKpi[k]?.grade
  return g ? `<span class="dot grade-${g}" title="${GRADE_LABEL[g]}"></span>` : ''
}

function tile(label: string, value: string, sub = '', wide = false): string {
  return `<div class="tile${wide ? ' wide' : ''}"><div class="k">${label}</div><div class="v">${value}</div>${sub ? `<div class="s">${sub}</div>` : ''}</div>`
}

function tiles(row: RunRow): string {
  const r = row.result
  const lat = r.latency
  const out = [
    tile(
      'Iterations',
      formatCount(r.iterations),
      `${formatCount(r.failed)} failed · ${formatCount(r.dropped)} dropped · ${formatCount(r.interrupted)} interrupted`,
      true,
    ),
    tile('Throughput', `${gradeDot(row, 'throughput')}${formatRate(r.throughput)}`),
    tile(
      'Avg latency',
      lat.count ? `${gradeDot(row, 'avgLatency')}${formatMs(lat.mean)}` : '–',
      lat.count ? `min ${formatMs(lat.min)} · max ${formatMs(lat.max)}` : '',
    ),
    tile('p50', lat.count ? formatMs(lat.p50) : '–', lat.count ? `p90 ${formatMs(lat.p90)}` : ''),
    tile('p95', lat.count ? formatMs(lat.p95) : '–'),
    tile('p99', lat.count ? `${gradeDot(row, 'p99Latency')}${formatMs(lat.p99)}` : '–', lat.count ? `p99.9 ${formatMs(lat.p999)}` : ''),
    tile(
      'Success',
      row.successRate === undefined ? '–' : `${gradeDot(row, 'successRate')}${formatKpiValue(row.successRate, '%')}`,
      `error rate ${(r.errors.rate * 100).toFixed(2)}%`,
    ),
    tile('VUs', formatCount(r.vusAllocated), 'allocated'),
  ]
  if (row.peakMemoryMb !== undefined)
    out.push(tile('Memory (test process)', `${gradeDot(row, 'memory')}${formatKpiValue(row.peakMemoryMb, 'MB')}`, 'peak'))
  return `<div class="tiles">${out.join('')}</div>`
}

function thresholdsTable(row: RunRow): string {
  const list = row.result.thresholds
  if (list.length === 0) return ''
  const body = list
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.metric)}</td><td><code>${escapeHtml(t.expression)}</code></td><td class="num">${escapeHtml(t.actual === null ? (t.note ?? '-') : formatValue(t.actual, t.unit))}</td><td class="${t.ok ? 'ok' : 'bad'}">${t.ok ? '✓ pass' : '✗ FAIL'}</td></tr>`,
    )
    .join('')
  return `<div class="sub"><h3>Thresholds</h3><table class="data"><tr><th>metric</th><th>threshold</th><th class="num">actual</th><th></th></tr>${body}</table></div>`
}

function errorsTable(row: RunRow): string {
  const kinds = Object.entries(row.result.errors.byKind)
  if (kinds.length === 0) return ''
  const body = kinds
    .map(
      ([kind, e]) =>
        `<tr><td>${escapeHtml(kind)}</td><td class="num">${escapeHtml(formatCount(e.count))}</td><td class="wrap">${escapeHtml(e.message)}</td></tr>`,
    )
    .join('')
  return `<div class="sub"><h3>Errors by kind</h3><table class="data"><tr><th>kind</th><th class="num">count</th><th>first message</th></tr>${body}</table></div>`
}

function runSection(row: RunRow, charts: ChartSpec[]): string {
  const r = row.result
  const meta = [escapeHtml(row.file), escapeHtml(r.config.executor), `started ${escapeHtml(r.startedAt)}`, `ran ${formatMs(r.durationMs)}`]
  if (r.abort) meta.push(`<span class="bad">aborted: ${escapeHtml(r.abort.detail)}</span>`)
  if (r.state === 'interrupted') meta.push('<span class="bad">interrupted: figures until the last progress report</span>')
  for (const i of r.infra ?? []) meta.push(escapeHtml(`${i.service} ${i.version} (${i.provider}, ${i.tuning})`))
  const figures = charts.map((c) => `<figure class="chart"><h3>${escapeHtml(c.title)}</h3><div id="${c.id}"></div></figure>`).join('')
  return `<section class="card run" id="${row.id}">
<div class="run-head"><h2>${escapeHtml(row.label)}</h2>${gradeBadge(row.grades.overall)}<span class="badge verdict-${row.verdict.status}">${escapeHtml(row.verdict.text)}</span><p class="meta">${meta.join(' · ')}</p></div>
${tiles(row)}
${figures ? `<div class="charts">${figures}</div>` : '<p class="meta">No timeline was recorded for this run.</p>'}
${scenariosTable(row.scenarios)}${thresholdsTable(row)}${errorsTable(row)}
<details class="sub"><summary>Config</summary><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre></details>
</section>`
}

/** report.html: one file with the chart library, its data and its script inlined; it loads nothing. */
export function renderHtml(entries: readonly PerfTestEntry[], options: HtmlOptions): string {
  const rows = runRows(entries, options.kpi)
  const charts = rows.map((row) => chartsFor(row.result, row.id))
  const env = rows.find((r) => r.result.environment.node)?.result.environment
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const meta = [
    `created ${escapeHtml(options.createdAt ?? new Date().toISOString())}`,
    `${plural(rows.length, 'run')} in ${plural(entries.length, 'test')}`,
    ...(env ? [escapeHtml(`Node ${env.node} · ${env.platform} ${env.arch} · ${env.cpus} CPUs`)] : []),
  ]
  const styles = [options.library.css, REPORT_CSS]
  const scripts = [inlineScript(options.library.js), inlineScript(CLIENT_SCRIPT)]
  const csp = `default-src 'none'; script-src ${scripts.map(cspHash).join(' ')}; style-src ${styles.map(cspHash).join(' ')}; img-src data:`
  const chips = gradeCounts(rows).map(([g, n]) => `<span class="badge grade-${g}">${n} ${GRADE_LABEL[g]}</span>`)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>vitest-perf report${options.interrupted ? ' (interrupted)' : ''}</title>
${styles.map((css) => `<style>${css}</style>`).join('\n')}
</head>
<body>
<header class="top"><h1>vitest-perf report</h1>${options.interrupted ? `<p class="interrupted">${INTERRUPTED_HEADLINE}: the run was stopped before its end</p>` : ''}<p class="meta">${meta.join(' · ')}</p><div class="chips">${chips.join('')}</div></header>
<main>
<section class="card summary"><div class="scroll">${rows.length ? runSummaryTable(rows) : '<p>No perf runs were recorded.</p>'}</div>
<p class="meta">Latency from the planned start (coordinated-omission corrected). Grades: see the KPI table below.</p></section>
${rows.map((row, i) => runSection(row, charts[i])).join('\n')}
</main>
<footer>${kpiLegendHtml(
    options.kpi,
    rows.some((r) => r.peakMemoryMb !== undefined),
  )}<p>Written by vitest-perf. Drag across a chart to zoom, double-click to reset.</p></footer>
<script type="application/json" id="vitest-perf-data">${inlineJson({ charts: charts.flat() })}</script>
${scripts.map((js) => `<script>${js}</script>`).join('\n')}
</body>
</html>
`
}
