/**
 * The view of one metric that thresholds are evaluated against. Built both from the live
 * recorder during a run and from a finished RunResult, so one evaluator serves both.
 */
export interface TrendStats {
  count: number
  /** Value in milliseconds at percentile p (0–100). */
  percentile(p: number): number
  mean: number
  min: number
  max: number
}

export type MetricSnapshot =
  | { type: 'trend'; stats: TrendStats }
  /** count: total; perSecond: count divided by elapsed seconds. */
  | { type: 'counter'; count: number; perSecond: number }
  /** trues of total: for the built-in errors metric, trues are failed iterations. */
  | { type: 'rate'; trues: number; total: number }
  | { type: 'gauge'; value: number; min: number; max: number }

export type MetricType = MetricSnapshot['type']
