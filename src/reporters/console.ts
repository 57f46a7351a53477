import type { PerfTestEntry } from './collect.ts'
import { INTERRUPTED_HEADLINE, runVerdict, scenarioExecutor, scenarioRows, stateNote } from './run-rows.ts'

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 2 : 1)}ms`)

/** The end-of-run table: one row per run of every perf test; `interrupted` heads it with a warning. */
export function formatSummary(entries: readonly PerfTestEntry[], options: { interrupted?: boolean } = {}): string {
  const header = ['test', 'executor', 'iterations', 'throughput', 'p50', 'p95', 'p99', 'errors', 'dropped', 'verdict']
  const rows: string[][] = [header]
  for (const e of entries) {
    for (const r of e.results) {
      rows.push([
        `${e.project ? `[${e.project}] ` : ''}${r.name ?? e.test}`,
        r.config.executor,
        String(r.iterations) + stateNote(r),
        `${r.throughput.toFixed(1)}/s`,
        ms(r.latency.p50),
        ms(r.latency.p95),
        ms(r.latency.p99),
        r.failed === 0 ? '0' : `${r.failed} (${(r.errors.rate * 100).toFixed(2)}%)`,
        String(r.dropped),
        runVerdict(e.state, r).text,
      ])
      for (const s of scenarioRows(r)) {
        const x = s.result
        rows.push([
          `  ↳ ${s.name}`,
          scenarioExecutor(x),
          String(x.iterations),
          `${x.throughput.toFixed(1)}/s`,
          ms(x.latency.p50),
          ms(x.latency.p95),
          ms(x.latency.p99),
          x.failed === 0 ? '0' : `${x.failed} (${(x.errors.rate * 100).toFixed(2)}%)`,
          String(x.dropped),
          s.verdict,
        ])
      }
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]) => row.map((cell, i) => (i >= 2 && i <= 8 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')
  return [
    ...(options.interrupted ? [`vitest-perf: ${INTERRUPTED_HEADLINE} (measured until the run was stopped)`] : []),
    'vitest-perf: latency from planned start (coordinated-omission corrected)',
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n')
}
