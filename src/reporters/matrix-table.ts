import type { MatrixTag } from '../core/result.ts'
import type { RunResult } from '../core/result.ts'
import { csvCell, escapeMarkdown } from '../core/escape.ts'
import type { PerfTestEntry } from './collect.ts'

export interface MatrixRow {
  matrix: string
  cell: Record<string, string | number>
  throughput: number
  p50: number
  p95: number
  p99: number
  errorRate: number
  /** Throughput per unit of the first numeric dimension, relative to the smallest cell (1 = linear). */
  scaling: number | null
  /** Thresholds of the cell's run all held. */
  slo: boolean
}

/** Rows of every matrix in a run: one per cell (the last run of each cell's test). */
export function matrixRows(entries: PerfTestEntry[]): MatrixRow[] {
  const rows: MatrixRow[] = []
  for (const e of entries) {
    const r = [...e.results].reverse().find((x) => x.matrix) as (RunResult & { matrix: MatrixTag }) | undefined
    if (!r) continue
    rows.push({
      matrix: r.matrix.matrix,
      cell: r.matrix.cell,
      throughput: r.throughput,
      p50: r.latency.p50,
      p95: r.latency.p95,
      p99: r.latency.p99,
      errorRate: r.errors.rate,
      scaling: null,
      slo: e.state !== 'failed' && r.thresholds.every((t) => t.ok),
    })
  }
  for (const name of new Set(rows.map((r) => r.matrix))) {
    const group = rows.filter((r) => r.matrix === name)
    const numeric = Object.keys(group[0].cell).find((k) => group.every((r) => typeof r.cell[k] === 'number'))
    if (!numeric) continue
    const others = (r: MatrixRow) => JSON.stringify(Object.entries(r.cell).filter(([k]) => k !== numeric))
    for (const row of group) {
      // The smallest cell: the same values of the other dimensions, the smallest of this one.
      const base = group
        .filter((r) => others(r) === others(row))
        .sort((a, b) => (a.cell[numeric] as number) - (b.cell[numeric] as number))[0]
      const n = row.cell[numeric] as number
      const n0 = base.cell[numeric] as number
      row.scaling = base.throughput > 0 && n0 > 0 ? Math.round((row.throughput / base.throughput / (n / n0)) * 1000) / 1000 : null
    }
  }
  return rows
}

export function matrixCsv(rows: MatrixRow[]): string {
  const dims = [...new Set(rows.flatMap((r) => Object.keys(r.cell)))]
  const head = ['matrix', ...dims, 'throughput_per_s', 'p50_ms', 'p95_ms', 'p99_ms', 'error_rate', 'scaling_efficiency', 'slo_met']
  return (
    [
      head.map(csvCell).join(','),
      ...rows.map((r) =>
        [r.matrix, ...dims.map((d) => r.cell[d] ?? ''), r.throughput, r.p50, r.p95, r.p99, r.errorRate, r.scaling ?? '', r.slo]
          .map(csvCell)
          .join(','),
      ),
    ].join('\n') + '\n'
  )
}

/** The report section: a table per matrix and the best cell under the SLO (highest throughput). */
export function matrixMarkdown(rows: MatrixRow[]): string {
  const out: string[] = []
  for (const name of new Set(rows.map((r) => r.matrix))) {
    const group = rows.filter((r) => r.matrix === name)
    const dims = Object.keys(group[0].cell)
    out.push(
      `### Matrix: ${escapeMarkdown(name)}`,
      '',
      `| ${[...dims.map(escapeMarkdown), 'throughput', 'p95', 'errors', 'scaling', 'SLO'].join(' | ')} |`,
      `|${' --- |'.repeat(dims.length + 5)}`,
    )
    for (const r of group)
      out.push(
        `| ${[...dims.map((d) => escapeMarkdown(r.cell[d])), `${r.throughput.toFixed(1)}/s`, `${r.p95.toFixed(2)}ms`, `${(r.errorRate * 100).toFixed(2)}%`, r.scaling === null ? '-' : r.scaling.toFixed(2), r.slo ? '✓' : '✗'].join(' | ')} |`,
      )
    const best = group.filter((r) => r.slo).sort((a, b) => b.throughput - a.throughput)[0]
    out.push(
      '',
      best
        ? `Best cell under the SLO: **${dims.map((d) => `${escapeMarkdown(d)}=${escapeMarkdown(best.cell[d])}`).join(' ')}** at ${best.throughput.toFixed(1)}/s.`
        : 'No cell met its SLO.',
      '',
    )
  }
  return out.join('\n')
}
