// `vitest-perf/node`: helpers for tools and scripts that read results.json (docs/results.md).
export { decodeHistogram, mergeEncoded, summarize, initHistograms } from './metrics/histogram.ts'
export type { LatencySummary } from './core/result.ts'
