import { parseOptions } from '../config/zod-problems.ts'
import { PerfConfigError } from '../core/errors.ts'
import type { RunResult } from '../core/result.ts'
import { analyseDegradation, analyseProcessDegradation } from './degradation.ts'
import { analyseLeaks, analyseProcessLeak, processSamples, type LeakFinding, type SeriesLimits } from './leak.ts'
import { formatFinding, formatLimit, inconclusiveNotes } from './leak-format.ts'
import { leakLimitsSchema, parsePercentLimit, parseRateLimit, stabilityLimitsSchema } from './limits-schema.ts'

export { parseRateLimit } from './limits-schema.ts'

export interface LeakLimits {
  /** The JS heap's objects (code excluded), e.g. '< 1MB/min' (the default); `false`: not checked. */
  heap?: string | false
  /** External memory (Buffers and ArrayBuffers included), default '< 1MB/min'. */
  external?: string | false
  /** Memory of Buffers and ArrayBuffers, default '< 1MB/min'. */
  arrayBuffers?: string | false
  /** Resident set size; not checked unless given. */
  rss?: string | false
  /** Per handle type, default '< 1/min'. */
  handles?: string | false
  /**
   * A watched process (`monitor: { servers: [{ service: 'orders-app', pid }] }`) instead of the test
   * process: its RSS is checked (`rss`, default '< 1MB/min'); the other series are the test process's.
   */
  process?: string
}

export interface StabilityLimits {
  /** e.g. '< 10%': throughput drop or p95 rise, last window against the first. */
  degradation?: string
  /** Share of the run in each window (default 0.1). */
  window?: number
  /** A watched process: its CPU time per iteration, last window against the first, must not rise more. */
  process?: string
}

/** What `toHaveNoLeak()` checks when no limit is given for a series. */
export const DEFAULT_LEAK_LIMITS = { heap: '< 1MB/min', external: '< 1MB/min', arrayBuffers: '< 1MB/min', handles: '< 1/min' } as const

export interface LeakOutcome {
  pass: boolean
  message: () => string
  /** Series that passed without being judged at their limit (too short, garbage hiding it): said beside the test. */
  notes: string[]
}

/** The limits in effect (defaults, then the given ones; false turns a series off), per minute. */
function leakLimitsOf(limits: LeakLimits): SeriesLimits {
  const checked = parseOptions(leakLimitsSchema, limits, { prefix: 'toHaveNoLeak' })
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'leak limits')
  const given = Object.fromEntries(Object.entries(checked.data).filter(([, v]) => v !== undefined))
  const merged: Record<string, string | false | undefined> = { ...DEFAULT_LEAK_LIMITS, ...given }
  const perMinute = (text: string | false | undefined) => (typeof text === 'string' ? parseRateLimit(text) : undefined)
  return {
    heap: perMinute(merged.heap),
    external: perMinute(merged.external),
    arrayBuffers: perMinute(merged.arrayBuffers),
    rss: perMinute(merged.rss),
    handles: perMinute(merged.handles),
  }
}

function outcome(findings: LeakFinding[]): LeakOutcome {
  const leaking = findings.filter((f) => f.leak)
  const kinds = new Map(findings.map((f) => [f.series.replace(/:.*/, ''), `${f.series.replace(/:.*/, '')} ${formatLimit(f)}`]))
  const limits = [...kinds.values()].join(', ')
  return {
    pass: leaking.length === 0,
    notes: notesOf(findings),
    message: () =>
      leaking.length
        ? `Leak: ${leaking.length} series grow faster than allowed (${limits}):\n${lines(leaking)}`
        : `No leak beyond ${limits || 'no series'}:\n${lines(findings)}${inconclusiveNotes(findings)
            .map((note) => `\n  ${note}`)
            .join('')}`,
  }
}

const lines = (findings: LeakFinding[]) => findings.map((f) => `  - ${formatFinding(f)}`).join('\n')
const notesOf = (findings: LeakFinding[]) => inconclusiveNotes(findings).map((note) => `toHaveNoLeak: ${note}`)

export function checkNoLeak(result: RunResult, limits: LeakLimits = {}): LeakOutcome {
  if (limits.process !== undefined) return checkProcessLeak(result, limits)
  const perMinute = leakLimitsOf(limits)
  if (result.resources.length < 3) {
    throw new PerfConfigError(
      [
        {
          path: 'result.resources',
          message: `has ${result.resources.length} samples; leak detection needs a run of at least 3 s with the monitor on (not monitor: false)`,
        },
      ],
      'leak check',
    )
  }
  return outcome(analyseLeaks(result, perMinute))
}

/** The samples of a watched process, or a config error naming the processes that were watched. */
function watched(result: RunResult, name: string, check: string): void {
  if (processSamples(result, name).length > 0) return
  const names = [...new Set(result.resources.flatMap((s) => Object.keys(s.servers ?? {})))]
  throw new PerfConfigError(
    [
      {
        path: `${check}.process`,
        message: `"${name}" was not watched in this run (${names.length ? `watched: ${names.join(', ')}` : 'no process was watched'}); pass it to run(…, { monitor: { servers: [{ service: '${name}', pid }] } })`,
      },
    ],
    `${check} options`,
  )
}

function checkProcessLeak(result: RunResult, limits: LeakLimits): LeakOutcome {
  const name = limits.process!
  const checked = parseOptions(leakLimitsSchema, limits, { prefix: 'toHaveNoLeak' })
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'leak limits')
  watched(result, name, 'toHaveNoLeak')
  const text = checked.data.rss ?? '< 1MB/min'
  if (text === false) return { pass: true, notes: [], message: () => `No leak in process "${name}": its rss is not checked (rss: false)` }
  const finding = analyseProcessLeak(result, name, parseRateLimit(text)!)
  if (!finding)
    throw new PerfConfigError(
      [{ path: 'result.resources', message: `has too few samples of "${name}" (at least 3 s with the monitor on)` }],
      'leak check',
    )
  return {
    pass: !finding.leak,
    notes: notesOf([finding]),
    message: () =>
      finding.leak
        ? `Leak in process "${name}": it grows faster than allowed (${text}):\n${lines([finding])}`
        : `No leak in process "${name}" beyond ${text}:\n${lines([finding])}${inconclusiveNotes([finding])
            .map((note) => `\n  ${note}`)
            .join('')}`,
  }
}

export function checkStable(
  result: RunResult,
  limits: StabilityLimits = { degradation: '< 10%' },
): { pass: boolean; message: () => string } {
  const checked = parseOptions(stabilityLimitsSchema, limits, { prefix: 'toStayStable' })
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'stability limits')
  const limit = parsePercentLimit(checked.data.degradation)!
  if (checked.data.process !== undefined) {
    watched(result, checked.data.process, 'toStayStable')
    return checkProcessStable(result, checked.data.process, limit, checked.data.degradation, checked.data.window)
  }
  const d = analyseDegradation(result, checked.data.window)
  if (!d)
    throw new PerfConfigError(
      [{ path: 'result.timeline', message: 'needs at least 2 whole seconds to compare a first and a last window' }],
      'stability check',
    )
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`
  const detail = `throughput ${d.throughput.first.toFixed(1)}/s → ${d.throughput.last.toFixed(1)}/s (${pct(d.throughput.change)}), p95 ${d.p95.first.toFixed(2)}ms → ${d.p95.last.toFixed(2)}ms (${pct(d.p95.change)}), first vs last ${(d.windowShare * 100).toFixed(0)}% of the run`
  return {
    pass: d.worst < limit,
    message: () =>
      d.worst < limit
        ? `Stable within ${limits.degradation}: ${detail}`
        : `Degraded by ${(d.worst * 100).toFixed(1)}% (limit ${limits.degradation}): ${detail}`,
  }
}

function checkProcessStable(
  result: RunResult,
  name: string,
  limit: number,
  text: string,
  share = 0.1,
): { pass: boolean; message: () => string } {
  const d = analyseProcessDegradation(result, name, share)
  if (!d)
    throw new PerfConfigError(
      [{ path: 'result.resources', message: `too few samples of "${name}" with CPU and iterations to compare a first and a last window` }],
      'stability check',
    )
  const detail = `"${name}" CPU per iteration ${d.first.toFixed(3)}ms → ${d.last.toFixed(3)}ms (${d.change >= 0 ? '+' : ''}${(d.change * 100).toFixed(1)}%), first vs last ${(d.windowShare * 100).toFixed(0)}% of the run`
  const pass = Math.max(d.change, 0) < limit
  return {
    pass,
    message: () => (pass ? `Stable within ${text}: ${detail}` : `Degraded by ${(d.change * 100).toFixed(1)}% (limit ${text}): ${detail}`),
  }
}
