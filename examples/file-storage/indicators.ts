import type { RunResult, ThresholdsInput } from 'vitest-perf'

// The scenario's performance indicators, per profile:
//   Good:       cache hit rate > 50 %, p95 < 500 ms, error rate < 1 %
//   Acceptable: cache hit rate > 30 %, p95 < 1 s,    error rate < 5 %
//   Poor:       cache hit rate < 20 %, p95 > 2 s,    error rate > 10 %
// Between Acceptable and Poor a value is Marginal, as in the KPI grades of report.md.
export type Grade = 'good' | 'acceptable' | 'marginal' | 'poor'

interface Bounds {
  hitRate: number
  p95Ms: number
  errorRate: number
}

export const INDICATORS: Record<'good' | 'acceptable' | 'poor', Bounds> = {
  good: { hitRate: 0.5, p95Ms: 500, errorRate: 0.01 },
  acceptable: { hitRate: 0.3, p95Ms: 1000, errorRate: 0.05 },
  poor: { hitRate: 0.2, p95Ms: 2000, errorRate: 0.1 },
}

/** The thresholds a run must meet to be graded at least `level`. */
export function thresholdsFor(level: 'good' | 'acceptable'): ThresholdsInput {
  const b = INDICATORS[level]
  return {
    cache_hit: [`rate>${b.hitRate * 100}%`],
    http_req_duration: [`p(95)<${b.p95Ms}ms`],
    http_req_failed: [`rate<${b.errorRate * 100}%`],
  }
}

export interface Indicators extends Bounds {
  grade: Grade
}

/** The three indicators of a run and its grade: the worst of theirs. */
export function indicatorsOf(result: RunResult): Indicators {
  const rate = (name: string) => {
    const m = result.metrics[name]
    return m?.type === 'rate' ? m.rate : NaN
  }
  const duration = result.metrics.http_req_duration
  const values: Bounds = {
    hitRate: rate('cache_hit'),
    p95Ms: duration?.type === 'trend' ? duration.summary.p95 : NaN,
    errorRate: rate('http_req_failed'),
  }
  const gradeOf = (better: (v: number, bound: number) => boolean, v: number, key: keyof Bounds): Grade => {
    if (better(v, INDICATORS.good[key])) return 'good'
    if (better(v, INDICATORS.acceptable[key])) return 'acceptable'
    return better(v, INDICATORS.poor[key]) || v === INDICATORS.poor[key] ? 'marginal' : 'poor'
  }
  const higher = (v: number, b: number) => v > b
  const lower = (v: number, b: number) => v < b
  const grades = [
    gradeOf(higher, values.hitRate, 'hitRate'),
    gradeOf(lower, values.p95Ms, 'p95Ms'),
    gradeOf(lower, values.errorRate, 'errorRate'),
  ]
  const order: Grade[] = ['good', 'acceptable', 'marginal', 'poor']
  return { ...values, grade: order[Math.max(...grades.map((g) => order.indexOf(g)))] }
}
