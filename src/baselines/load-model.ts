import type { ResolvedLoadConfig } from '../config/schemas.ts'

// Options that do not change what load is applied.
const NOT_LOAD = new Set(['name', 'gracefulStop', 'thresholds'])

/** The part of a config that defines the load: executor, rate or VUs, stages, durations. */
export function loadModel(config: ResolvedLoadConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !NOT_LOAD.has(key)))
}

/** Every field where two load models differ, as "field: baseline → current". */
export function loadModelDifferences(baseline: Record<string, unknown>, current: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(current)])].sort()
  return keys
    .filter((k) => JSON.stringify(baseline[k]) !== JSON.stringify(current[k]))
    .map((k) => `${k}: ${JSON.stringify(baseline[k]) ?? '(unset)'} → ${JSON.stringify(current[k]) ?? '(unset)'}`)
}
