import { describe, expect, it } from 'vitest'
import { formatMarkdown, judgeRuns, type AbOutcome } from '../../src/ab/report.ts'
import type { RunRecord } from '../../src/ab/turn-book.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'

function rep(p50: number, probe: number, cpu: number): RepetitionSummary {
  const s = { count: 500, min: p50 / 2, mean: p50, p50, p90: p50 * 2, p95: p50 * 2, p99: p50 * 3, p999: p50 * 3, max: p50 * 4 }
  return {
    iterations: 500,
    durationMs: 1000,
    throughput: 500 / p50,
    errorRate: 0,
    dropped: 0,
    latency: s,
    serviceTime: s,
    histograms: { latency: '', serviceTime: '' },
    cpuPerIteration: { process: cpu },
    probe: { before: probe, after: probe * 1.01 },
  }
}

/** Eight pairs whose head ran on a machine 40 % slower by the probe (and by latency), with the same CPU per iteration. */
function record(): RunRecord {
  const done = (p50: number, probe: number) =>
    Array.from({ length: 8 }, (_, i) => ({
      executor: 'constant-vus',
      summary: rep(p50 + i * 0.01, probe + i * 0.1, 0.2 + (i % 3) * 0.001),
    }))
  return { test: 'tests/a.perf.ts > a', run: 0, done: { base: done(1, 10), head: done(1.4, 14) } }
}

describe('vitest-perf ab on a machine that was slower for the head', () => {
  it('holds the latency verdicts back, or normalises them with --normalize', () => {
    const [held] = judgeRuns([record()], () => true)
    expect(held.comparison!.verdict).toBe('INCONCLUSIVE')
    expect(held.comparison!.drift).toMatchObject({ state: 'slower', pairs: 8 })
    expect(held.comparison!.metrics.find((m) => m.metric === 'cpu.process')!.verdict).toBe('PASS')
    const [normalised] = judgeRuns([record()], () => true, { normalize: true })
    expect(normalised.comparison!.verdict).toBe('PASS')
  })

  it('lists every pair with its probe readings in report.md', () => {
    const runs = judgeRuns([record()], () => true)
    const outcome: AbOutcome = {
      revisions: { top: '/repo', project: '', base: { ref: 'main', sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40), changed: [] } },
      vitestArgs: [],
      modules: 'shared',
      durationMs: 1000,
      phases: { checkoutMs: 1, listMs: 1, runMs: 1 },
      runs,
      failures: [],
    }
    const md = formatMarkdown(outcome)
    expect(md).toContain(
      '| pair | order | base p50 | head p50 | base throughput | head throughput | base probe | head probe | base other cores | head other cores |',
    )
    expect(md).toContain('| 0 | base, head | 1.000ms | 1.400ms | 500.0/s | 357.1/s | 10.0 → 10.1ms | 14.0 → 14.1ms |')
    expect(md).toMatch(/INCONCLUSIVE \(machine drift\)/)
  })
})
