export { parseThreshold, parseMetricKey, metricKey } from './parse.ts'
export type { Aggregation, ParsedThreshold, ThresholdOp } from './parse.ts'
export {
  compileThresholds,
  BUILTIN_METRIC_TYPES,
  AGGREGATIONS_BY_TYPE,
  builtinMetricType,
  aggregationLabel,
  checkAgainstType,
} from './define.ts'
export type { ThresholdInput, ThresholdsInput, ThresholdDef } from './define.ts'
export {
  evaluateThreshold,
  compareThreshold,
  displayUnit,
  thresholdOutcome,
  formatValue,
  formatThresholdTable,
} from './evaluate.ts'
export type { ThresholdResult, ThresholdOutcome } from './evaluate.ts'
