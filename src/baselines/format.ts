import { escapeMarkdown } from '../core/escape.ts'
import type { BaselineComparison, MetricComparison } from '../core/result.ts'
import { metricLabel } from './compare.ts'

function value(m: MetricComparison, v: number): string {
  if (m.unit === '%') return `${(v * 100).toFixed(2)}%`
  if (m.unit === 'cpu ms') return `${v.toPrecision(3)}ms`
  if (m.unit === '/s') return `${v.toFixed(1)}/s`
  return `${v.toFixed(v < 10 ? 3 : 1)}ms`
}

function change(m: MetricComparison, v: number): string {
  if (!Number.isFinite(v)) return 'n/a'
  const sign = v > 0 ? '+' : ''
  return m.absolute ? `${sign}${(v * 100).toFixed(2)}pp` : `${sign}${(v * 100).toFixed(1)}%`
}

function label(m: { verdict: string; severity?: string }): string {
  return m.severity ? `${m.verdict} (${m.severity})` : m.verdict
}

/** Noise and smallest detectable change, in the unit of the change column. */
function spread(m: MetricComparison, v: number | undefined): string {
  if (v === undefined) return ''
  if (!Number.isFinite(v)) return 'none'
  return m.absolute ? `${(v * 100).toFixed(2)}pp` : `${(v * 100).toFixed(1)}%`
}

function rows(c: BaselineComparison): string[][] {
  return c.metrics.map((m) => [
    metricLabel(m),
    value(m, m.baseline),
    value(m, m.current),
    change(m, m.change),
    `[${change(m, m.interval.low)}, ${change(m, m.interval.high)}]`,
    m.p < 0.001 ? '<0.001' : m.p.toFixed(3),
    spread(m, m.noise),
    spread(m, m.detectable),
    m.reason ? `${label(m)} (machine drift)` : label(m),
  ])
}

const HEADER = ['metric', 'baseline', 'current', 'change', '95% interval', 'p', 'noise', 'detectable', 'verdict']

/** A fixed-width table with the verdict, recommendations and notes: for messages and the terminal. */
export function formatComparison(c: BaselineComparison, title: string): string {
  const all = [HEADER, ...rows(c)]
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)))
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  const out = [
    `${label(c)} ${title} (${c.repetitions.current} vs ${c.repetitions.baseline} repetitions, alpha ${c.alpha})`,
    line(HEADER),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows(c).map(line),
  ]
  if (c.recommendations.length) out.push('Recommendations:', ...c.recommendations.map((r) => `  - ${r}`))
  if (c.notes.length) out.push('Notes:', ...c.notes.map((n) => `  - ${n}`))
  return out.join('\n')
}

/** The same comparison as a Markdown table, for pull-request comments and step summaries. */
export function formatComparisonMarkdown(c: BaselineComparison, title: string): string {
  const out = [
    `**${label(c)}** ${title} (${c.repetitions.current} vs ${c.repetitions.baseline} repetitions, alpha ${c.alpha})`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(c).map((r) => `| ${r.join(' | ')} |`),
  ]
  // Read back from results files: written as text, never as Markdown.
  if (c.recommendations.length) out.push('', ...c.recommendations.map((r) => `- ${escapeMarkdown(r)}`))
  if (c.notes.length) out.push('', ...c.notes.map((n) => `- _${escapeMarkdown(n)}_`))
  return out.join('\n')
}
