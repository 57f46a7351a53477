import type { RunResult } from '../core/result.ts'
import { formatCount, formatMs, formatRate } from './format.ts'
import { faultWindows, timelineCharts } from './html-data.ts'
import { baselineVerdict, stateNote } from './run-rows.ts'
import { renderSvgCharts } from './svg-chart.ts'

/** What a perf test's annotation in Vitest says and shows: the run's summary row and its charts. */
export interface RunAnnotation {
  message: string
  /** Latency over time and throughput as an SVG image; missing when the run has no timeline. */
  svg?: string
}

/**
 * The verdict known when the run ends: its thresholds, an abort, and a baseline comparison when
 * one was made with the run (runAB). toMatchBaseline() comes later, so its verdict is in the reports.
 */
export function verdictAtRunEnd(r: RunResult): string {
  const failed = r.thresholds.filter((t) => !t.ok).length
  const total = r.thresholds.length
  const parts = [
    failed > 0
      ? `FAIL (${failed} of ${total} threshold${total > 1 ? 's' : ''})`
      : total > 0
        ? `pass (${total} threshold${total > 1 ? 's' : ''})`
        : 'no thresholds',
  ]
  if (r.abort) parts.push(`aborted: ${r.abort.detail}`)
  const baseline = baselineVerdict(r)
  if (baseline) parts.push(`baseline ${baseline}`)
  return parts.join(', ')
}

/** One line, the console summary's columns: `constant-vus · 1,200 iterations · 398/s · p50 … · pass (2 thresholds)`. */
export function annotationMessage(r: RunResult, test: string): string {
  const lat = r.latency
  const parts = [
    r.config.executor === 'scenarios' ? `scenarios (${Object.keys(r.config.scenarios).join(', ')})` : r.config.executor,
    `${formatCount(r.iterations)} iterations${stateNote(r)}`,
    formatRate(r.throughput),
    ...(lat.count > 0 ? [`p50 ${formatMs(lat.p50)}`, `p95 ${formatMs(lat.p95)}`, `p99 ${formatMs(lat.p99)}`] : []),
    r.failed === 0 ? 'errors 0' : `errors ${formatCount(r.failed)} (${(r.errors.rate * 100).toFixed(2)}%)`,
    ...(r.dropped > 0 ? [`dropped ${formatCount(r.dropped)}`] : []),
    verdictAtRunEnd(r),
  ]
  // Several runs in one test are told apart by name; the test's own name would only repeat it.
  const name = r.name && r.name !== test ? `${r.name}: ` : ''
  return `${name}${parts.join(' · ')}`
}

export function runAnnotation(r: RunResult, test: string): RunAnnotation {
  const message = annotationMessage(r, test)
  const charts = timelineCharts(r, 'annotation', faultWindows(r)).filter((c) => /-(latency|throughput)$/.test(c.id))
  if (charts.length === 0) return { message }
  const xMax = Math.max(r.durationMs / 1000, ...charts.map((c) => c.x[c.x.length - 1] ?? 0))
  for (const c of charts) c.xMax = xMax
  return { message, svg: renderSvgCharts(r.name ?? test, charts) }
}
