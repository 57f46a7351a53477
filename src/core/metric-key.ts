export function metricKey(name: string, tags?: Record<string, string>): string {
  const entries = Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  if (entries.length === 0) return name
  return `${name}{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`
}

/** The tag that names the scenario of a sample in a run with scenarios (docs/scenarios.md). */
export const SCENARIO_TAG = 'scenario'

/**
 * A canonical key's scenario and the key without that tag: `latency{scenario:checkout,step:pay}`
 * is scenario `checkout`, key `latency{step:pay}`. Undefined when the key has no scenario tag.
 */
export function splitScenario(key: string): { scenario: string; key: string } | undefined {
  const open = key.indexOf('{')
  if (open < 0 || !key.endsWith('}')) return undefined
  const tags: Record<string, string> = {}
  // Canonical keys: tag values hold no ',' or '}', so splitting is exact.
  for (const part of key.slice(open + 1, -1).split(',')) {
    const colon = part.indexOf(':')
    if (colon > 0) tags[part.slice(0, colon)] = part.slice(colon + 1)
  }
  const scenario = tags[SCENARIO_TAG]
  if (scenario === undefined) return undefined
  delete tags[SCENARIO_TAG]
  return { scenario, key: metricKey(key.slice(0, open), tags) }
}
