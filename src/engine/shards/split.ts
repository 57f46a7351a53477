import type { ResolvedLoadConfig, ResolvedRunConfig, ResolvedScenario, ScenariosConfig } from '../../core/load-config.ts'
import type { ConfigProblem } from '../../core/errors.ts'

/** The i-th of n whole parts of `total`: parts differ by at most one and add up to `total`. */
export function part(total: number, n: number, i: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0)
}

/** Executors whose share can move to the shards left when one is lost mid-run. */
export const REBALANCEABLE = new Set(['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'fixed-interval'])

/** Why `config` cannot be split `n` ways (each shard needs at least one VU), or nothing. */
export function splitProblems(config: ResolvedLoadConfig, n: number, path: string): ConfigProblem[] {
  const vus = 'vus' in config ? config.vus : 'maxVUs' in config ? config.maxVUs : undefined
  if (vus !== undefined && vus < n) {
    const field = 'vus' in config ? 'vus' : 'maxVUs'
    return [
      {
        path: field,
        message: `is ${vus}, fewer than the ${n} ${path} sharing the load; give every one at least one VU (${field} ≥ ${n}) or use fewer ${path}`,
      },
    ]
  }
  if (config.executor === 'ramping-vus' && Math.max(config.startVUs, ...config.stages.map((s) => s.target)) < n) {
    return [
      {
        path: 'stages',
        message: `peak at fewer VUs than the ${n} ${path} sharing the load; raise a stage target to at least ${n} or use fewer ${path}`,
      },
    ]
  }
  return []
}

/**
 * The load of shard i of n: VUs, iteration counts and rates split exactly (whole parts that
 * add up to the total; rates divided, with arrivals interleaved by phase), durations kept. A
 * config with scenarios has each scenario split so, its startTime kept.
 */
export function splitConfig<C extends ResolvedRunConfig>(config: C, n: number, i: number): C {
  if (config.executor !== 'scenarios') return splitLoad(config as ResolvedLoadConfig, n, i) as C
  const { workers: _workers, distributed: _distributed, ...rest } = config as ScenariosConfig
  const scenarios = Object.fromEntries(Object.entries(rest.scenarios).map(([name, s]) => [name, splitLoad(s, n, i) as ResolvedScenario]))
  return { ...rest, scenarios } as C
}

function splitLoad(config: ResolvedLoadConfig, n: number, i: number): ResolvedLoadConfig {
  const c = { ...config }
  delete c.workers
  delete c.distributed
  if (n === 1) return c
  switch (c.executor) {
    case 'constant-vus':
    case 'fixed-interval':
      return { ...c, vus: part(c.vus, n, i), ...(c.iterations !== undefined ? { iterations: part(c.iterations, n, i) } : {}) }
    case 'per-vu-iterations':
      return { ...c, vus: part(c.vus, n, i) }
    case 'shared-iterations':
      return { ...c, vus: part(c.vus, n, i), iterations: part(c.iterations, n, i) }
    case 'ramping-vus':
      return { ...c, startVUs: part(c.startVUs, n, i), stages: c.stages.map((s) => ({ ...s, target: part(s.target, n, i) })) }
    case 'constant-arrival-rate':
      return { ...c, rate: c.rate / n, phase: i / n, ...vuPools(c, n, i) }
    case 'ramping-arrival-rate':
      return {
        ...c,
        startRate: c.startRate / n,
        stages: c.stages.map((s) => ({ ...s, target: s.target / n })),
        phase: i / n,
        ...vuPools(c, n, i),
      }
  }
}

function vuPools(c: { maxVUs: number; preAllocatedVUs: number }, n: number, i: number): { maxVUs: number; preAllocatedVUs: number } {
  const maxVUs = part(c.maxVUs, n, i)
  return { maxVUs, preAllocatedVUs: Math.max(1, Math.min(maxVUs, part(c.preAllocatedVUs, n, i))) }
}
