import { PerfConfigError, type ConfigProblem } from '../errors.ts'
import type { RunResult } from '../metrics/result.ts'
import { analyseDegradation } from './degradation.ts'
import { analyseLeaks, formatFinding } from './leak.ts'

export interface LeakLimits {
  /** e.g. '< 1MB/min' */
  heap?: string
  rss?: string
  /** Per handle type, e.g. '< 1/min' */
  handles?: string
}

export interface StabilityLimits {
  /** e.g. '< 10%': throughput drop or p95 rise, last window against the first. */
  degradation?: string
  /** Share of the run in each window (default 0.1). */
  window?: number
}

const SIZE: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, '': 1 }
const PER: Record<string, number> = { s: 60, min: 1, h: 1 / 60 }

/** '< 1MB/min' → 1048576 (per minute); '< 3/min' → 3. */
export function parseRateLimit(text: string, path: string, problems: ConfigProblem[]): number {
  const m = /^\s*<\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*\/\s*(s|min|h)\s*$/.exec(text)
  if (!m) {
    problems.push({ path, message: `"${text}" is not a growth limit; write it like '< 1MB/min' (units B, KB, MB, GB; per s, min or h) or '< 2/min' for handles` })
    return NaN
  }
  return Number(m[1]) * SIZE[m[2] ?? ''] * PER[m[3]]
}

export function checkNoLeak(result: RunResult, limits: LeakLimits = { heap: '< 1MB/min', handles: '< 1/min' }): { pass: boolean; message: () => string } {
  const problems: ConfigProblem[] = []
  const heap = limits.heap !== undefined ? parseRateLimit(limits.heap, 'toHaveNoLeak.heap', problems) : undefined
  const rss = limits.rss !== undefined ? parseRateLimit(limits.rss, 'toHaveNoLeak.rss', problems) : undefined
  const handles = limits.handles !== undefined ? parseRateLimit(limits.handles, 'toHaveNoLeak.handles', problems) : undefined
  if (problems.length) throw new PerfConfigError(problems, 'leak limits')
  if (result.resources.length < 3) {
    throw new PerfConfigError([{ path: 'result.resources', message: `has ${result.resources.length} samples; leak detection needs a run of at least 3 s with the monitor on (not monitor: false)` }], 'leak check')
  }
  const findings = analyseLeaks(result)
  const limitFor = (series: string) => (series === 'heap' ? heap : series === 'rss' ? rss : series.startsWith('handles:') ? handles : undefined)
  // A leak: growing faster than allowed, and surely growing (the interval excludes zero).
  const leaking = findings.filter((f) => {
    const limit = limitFor(f.series)
    return limit !== undefined && f.perMinute.slope > limit && f.perMinute.low > 0
  })
  const checked = findings.filter((f) => limitFor(f.series) !== undefined)
  return {
    pass: leaking.length === 0,
    message: () =>
      leaking.length
        ? `Leak: ${leaking.length} series grow faster than allowed (${JSON.stringify(limits)}):\n${leaking.map((f) => `  - ${formatFinding(f)}`).join('\n')}`
        : `No leak beyond ${JSON.stringify(limits)}:\n${checked.map((f) => `  - ${formatFinding(f)}`).join('\n')}`,
  }
}

export function checkStable(result: RunResult, limits: StabilityLimits = { degradation: '< 10%' }): { pass: boolean; message: () => string } {
  const m = /^\s*<\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(limits.degradation ?? '< 10%')
  if (!m) throw new PerfConfigError([{ path: 'toStayStable.degradation', message: `"${limits.degradation}" is not a limit; write it like '< 10%'` }], 'stability limits')
  const limit = Number(m[1]) / 100
  const d = analyseDegradation(result, limits.window ?? 0.1)
  if (!d) throw new PerfConfigError([{ path: 'result.timeline', message: 'needs at least 2 whole seconds to compare a first and a last window' }], 'stability check')
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`
  const detail = `throughput ${d.throughput.first.toFixed(1)}/s → ${d.throughput.last.toFixed(1)}/s (${pct(d.throughput.change)}), p95 ${d.p95.first.toFixed(2)}ms → ${d.p95.last.toFixed(2)}ms (${pct(d.p95.change)}), first vs last ${(d.windowShare * 100).toFixed(0)}% of the run`
  return {
    pass: d.worst < limit,
    message: () => (d.worst < limit ? `Stable within ${limits.degradation}: ${detail}` : `Degraded by ${(d.worst * 100).toFixed(1)}% (limit ${limits.degradation}): ${detail}`),
  }
}
