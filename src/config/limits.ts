import type { ConfigProblem } from '../core/errors.ts'
import type { ResolvedLoadConfig } from '../core/load-config.ts'

/**
 * Ceilings of a load config. A typo such as `vus: 1e9` would exhaust the heap before the first
 * iteration, and `rate: 1e9` would keep the scheduler busy for minutes; `unbounded: true` in the
 * load config lifts these for people who mean it (docs/configuration.md, "Limits").
 */
export const LOAD_LIMITS = {
  /** vus, startVUs, the stage targets of ramping-vus, maxVUs, preAllocatedVUs. */
  vus: 10_000,
  /** rate, startRate and rate stage targets, per second (whatever the timeUnit). */
  ratePerSecond: 100_000,
  /** The planned length of a run: duration, the sum of the stages, maxDuration. */
  durationMs: 24 * 3_600_000,
} as const

/** setTimeout's ceiling (2^31−1 ms, about 24.8 days): Node fires a longer timer after 1 ms. Never lifted. */
export const MAX_TIMER_MS = 2 ** 31 - 1

const OPT_OUT = 'set unbounded: true in the load config if you mean it'

/** How long a run plans to last, in ms (what the hard stop is set from, before gracefulStop). */
export function plannedLength(config: ResolvedLoadConfig): number | undefined {
  switch (config.executor) {
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return config.stages.reduce((sum, s) => sum + s.duration, 0)
    case 'shared-iterations':
    case 'per-vu-iterations':
      return config.maxDuration
    default:
      return config.duration
  }
}

function vuCounts(config: ResolvedLoadConfig): [string, number][] {
  switch (config.executor) {
    case 'ramping-vus':
      return [['startVUs', config.startVUs], ...config.stages.map((s, i): [string, number] => [`stages[${i}].target`, s.target])]
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return [
        ['maxVUs', config.maxVUs],
        ['preAllocatedVUs', config.preAllocatedVUs ?? 0],
      ]
    default:
      return [['vus', config.vus]]
  }
}

function rates(config: ResolvedLoadConfig): [string, number][] {
  if (config.executor === 'constant-arrival-rate') return [['rate', config.rate]]
  if (config.executor === 'ramping-arrival-rate')
    return [['startRate', config.startRate], ...config.stages.map((s, i): [string, number] => [`stages[${i}].target`, s.target])]
  return []
}

/**
 * The limits of a parsed config whose durations are already scaled (VITEST_PERF_DURATION_SCALE
 * stretches a run past a limit as surely as a long duration does).
 */
export function limitProblems(config: ResolvedLoadConfig & { unbounded?: boolean }): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const planned = plannedLength(config)
  if (planned !== undefined && planned + config.gracefulStop > MAX_TIMER_MS) {
    problems.push({
      path: config.executor.startsWith('ramping') ? 'stages' : 'duration',
      message: `the run would last ${Math.round((planned + config.gracefulStop) / 3_600_000)}h with gracefulStop, past the timers' limit of 596h (2^31−1 ms, even with unbounded: true); split it into shorter runs`,
    })
  }
  if (config.unbounded === true) return problems
  for (const [path, n] of vuCounts(config)) {
    if (n > LOAD_LIMITS.vus) problems.push({ path, message: `is ${n}, above the limit of ${LOAD_LIMITS.vus} VUs; ${OPT_OUT}` })
  }
  const timeUnit = 'timeUnit' in config ? config.timeUnit : 1000
  for (const [path, rate] of rates(config)) {
    const perSecond = (rate * 1000) / timeUnit
    if (perSecond > LOAD_LIMITS.ratePerSecond)
      problems.push({
        path,
        message: `is ${rate} per ${timeUnit} ms (${perSecond}/s), above the limit of ${LOAD_LIMITS.ratePerSecond}/s; ${OPT_OUT}`,
      })
  }
  if (planned !== undefined && planned > LOAD_LIMITS.durationMs && problems.every((p) => !p.message.includes('timers'))) {
    problems.push({
      path: config.executor.startsWith('ramping') ? 'stages' : config.executor.endsWith('iterations') ? 'maxDuration' : 'duration',
      message: `plans ${Math.round(planned / 60_000)} minutes, above the limit of 24h; ${OPT_OUT}`,
    })
  }
  return problems
}
