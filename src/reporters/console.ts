import type { PerfTestEntry } from './collect.ts'

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 2 : 1)}ms`)

function verdict(entry: PerfTestEntry, failedThresholds: number): string {
  if (entry.state === 'failed') return failedThresholds > 0 ? `FAIL (${failedThresholds} threshold${failedThresholds > 1 ? 's' : ''})` : 'FAIL'
  return entry.state === 'passed' ? 'pass' : entry.state
}

/** The end-of-run table: one row per run of every perf test. */
export function formatSummary(entries: PerfTestEntry[]): string {
  const header = ['test', 'executor', 'iterations', 'throughput', 'p50', 'p95', 'p99', 'errors', 'dropped', 'verdict']
  const rows: string[][] = [header]
  for (const e of entries) {
    for (const r of e.results) {
      const failed = r.thresholds.filter((t) => !t.ok).length
      rows.push([
        `${e.project ? `[${e.project}] ` : ''}${r.name ?? e.test}`,
        r.config.executor,
        String(r.iterations) + (r.state === 'aborted' ? ' (aborted)' : ''),
        `${r.throughput.toFixed(1)}/s`,
        ms(r.latency.p50),
        ms(r.latency.p95),
        ms(r.latency.p99),
        r.failed === 0 ? '0' : `${r.failed} (${(r.errors.rate * 100).toFixed(2)}%)`,
        String(r.dropped),
        verdict(e, failed),
      ])
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]) => row.map((cell, i) => (i >= 2 && i <= 8 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')
  return ['vitest-perf: latency from planned start (coordinated-omission corrected)', line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
