import type { ResolvedRunConfig } from '../core/load-config.ts'

// Options that do not change what load is applied.
const NOT_LOAD = new Set(['name', 'gracefulStop', 'thresholds'])

const loadPart = (config: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(config).filter(([key]) => !NOT_LOAD.has(key)))

/** The part of a config that defines the load: executor, rate or VUs, stages, durations; each scenario's too. */
export function loadModel(config: ResolvedRunConfig): Record<string, unknown> {
  const model = loadPart(config)
  if (config.executor === 'scenarios')
    model.scenarios = Object.fromEntries(Object.entries(config.scenarios).map(([name, scenario]) => [name, loadPart(scenario)]))
  return model
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Every field where two load models differ, as "field: baseline → current"; scenarios field by field. */
export function loadModelDifferences(baseline: Record<string, unknown>, current: Record<string, unknown>, prefix = ''): string[] {
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(current)])].sort()
  return keys.flatMap((k) => {
    const [b, c] = [baseline[k], current[k]]
    if (JSON.stringify(b) === JSON.stringify(c)) return []
    // One scenario changed: name the scenario and the field, not the whole map.
    if ((prefix === '' && k === 'scenarios') || prefix.startsWith('scenarios.')) {
      if (isRecord(b) && isRecord(c) && prefix.split('.').length < 3) return loadModelDifferences(b, c, `${prefix}${k}.`)
    }
    return [`${prefix}${k}: ${JSON.stringify(b) ?? '(unset)'} → ${JSON.stringify(c) ?? '(unset)'}`]
  })
}
