import { describe, expect, it } from 'vitest'
import type { BaselineComparison, RunResult } from '../../src/core/result.ts'
import { fakeResult } from '../helpers/run-result.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { formatSummary } from '../../src/reporters/console.ts'
import { formatCsv } from '../../src/reporters/csv.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'

// Fast and error-free: every KPI grades Good, so a Poor grade can only come from the failed test.
const latency = { count: 100, min: 1, mean: 2, p50: 2, p90: 3, p95: 3, p99: 4, p999: 5, max: 5 }
const result = (overrides: Partial<RunResult> = {}): RunResult =>
  fakeResult({ iterations: 100_000, throughput: 50_000, latency, serviceTime: latency, ...overrides })

const comparison = (verdict: BaselineComparison['verdict'], severity?: BaselineComparison['severity']): BaselineComparison => ({
  verdict,
  ...(severity ? { severity } : {}),
  metrics: [],
  repetitions: { baseline: 5, current: 5 },
  alpha: 0.01,
  recommendations: [],
  notes: [],
})

const entry = (r: RunResult, state: PerfTestEntry['state']): PerfTestEntry => ({
  project: 'tier2',
  file: 'tests/a.test.ts',
  test: 'orders',
  state,
  results: [r],
})

describe('a baseline failure shows its verdict, not a bare FAIL', () => {
  const regression = entry(result({ baseline: comparison('REGRESSION', 'major') }), 'failed')

  it('console summary', () => {
    expect(formatSummary([regression])).toMatch(/REGRESSION \(major\)\s*$/m)
    expect(formatSummary([regression])).not.toMatch(/\bFAIL\b/)
  })

  it('csv: the verdict and a baseline_verdict column', () => {
    const [header, row] = formatCsv([regression], resolveKpi()).trim().split('\n')
    const cols = header.split(',')
    const cells = row.split(',')
    expect(cells[cols.indexOf('verdict')]).toBe('REGRESSION (major)')
    expect(cells[cols.indexOf('baseline_verdict')]).toBe('REGRESSION (major)')
  })

  it('thresholds and a regression together name both; a pass keeps an inconclusive comparison visible', () => {
    const both = entry(
      result({
        baseline: comparison('REGRESSION', 'critical'),
        thresholds: [{ metric: 'latency', expression: 'p(95)<1ms', ok: false, actual: 3 }],
      }),
      'failed',
    )
    expect(formatSummary([both])).toMatch(/FAIL \(1 threshold\), REGRESSION \(critical\)\s*$/m)
    expect(formatSummary([entry(result({ baseline: comparison('INCONCLUSIVE') }), 'passed')])).toMatch(/pass, INCONCLUSIVE\s*$/m)
  })
})

describe('report.md never grades a failed test Good', () => {
  it('excellent KPIs, failed test: Poor', () => {
    const md = formatMarkdown([entry(result({ baseline: comparison('REGRESSION', 'minor') }), 'failed')], { kpi: resolveKpi() })
    const row = md.split('\n').find((l) => l.startsWith('| orders'))!
    expect(row).toContain('Poor')
    expect(row).not.toContain('Good |')
    // The same KPIs in a passing test are graded on their own.
    const passing = formatMarkdown([entry(result(), 'passed')], { kpi: resolveKpi() })
    expect(passing.split('\n').find((l) => l.startsWith('| orders'))).not.toContain('Poor')
  })
})
