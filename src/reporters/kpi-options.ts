import { z } from 'zod'
import { parseOptions } from '../config/zod-problems.ts'
import { PerfConfigError } from '../core/errors.ts'
import { KPI_DEFS, KPI_NAMES, resolveKpi, type KpiBounds, type KpiOverrides, type KpiTable } from './kpi.ts'

const bound = z.number().finite().nonnegative()
const bounds = z.union([z.literal(false), z.strictObject({ good: bound.optional(), acceptable: bound.optional(), poor: bound.optional() })])

/** The `kpi` option of perf() and the file of `vitest-perf report --kpi`: bounds per KPI, or false. */
export const kpiOverridesSchema = z
  .strictObject({
    throughput: bounds.optional(),
    avgLatency: bounds.optional(),
    p99Latency: bounds.optional(),
    successRate: bounds.optional(),
    memory: bounds.optional(),
  })
  .superRefine((overrides, ctx) => {
    const table = resolveKpi(overrides as KpiOverrides)
    for (const name of KPI_NAMES) {
      const b = table[name]
      if (b === false || overrides[name] === undefined) continue
      const problem = orderProblem(b, KPI_DEFS[name].better)
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem })
    }
  })

// Merged with the defaults first, so overriding one bound cannot silently invert the scale.
function orderProblem(b: KpiBounds, better: 'higher' | 'lower'): string | undefined {
  const ordered = better === 'higher' ? b.good >= b.acceptable && b.acceptable >= b.poor : b.good <= b.acceptable && b.acceptable <= b.poor
  if (ordered) return undefined
  const rel = better === 'higher' ? '≥' : '≤'
  return `higher is ${better === 'higher' ? 'better' : 'worse'} here, so the bounds must be good ${rel} acceptable ${rel} poor (after merging with the defaults: good ${b.good}, acceptable ${b.acceptable}, poor ${b.poor})`
}

export function parseKpiOverrides(input: unknown, subject: string): KpiTable {
  const parsed = parseOptions(kpiOverridesSchema, input ?? {})
  if (parsed.ok) return resolveKpi(parsed.data as KpiOverrides)
  throw new PerfConfigError(parsed.problems, subject)
}
