import type { RunResult } from '../core/result.ts'
import type { ResourceSample } from '../core/resource-sample.ts'
import { GROWTH_FLOOR_BYTES, judgeGrowth, judgeTrend, type GrowthEvidence, type Inconclusive, type MemoryPoint } from './memory-growth.ts'

/** The smallest growth of a handle type that counts as a leak: one more socket or timer is not. */
export const GROWTH_FLOOR_HANDLES = 2

export interface LeakFinding {
  /** heap, external, arrayBuffers, rss, handles:<type>, or '<process> rss'. */
  series: string
  unit: 'B' | 'handles'
  /** The limit it was judged against, units per minute. */
  limit: number
  leak: boolean
  /** What showed the leak, else the best estimate there is; undefined when nothing grew. */
  evidence?: GrowthEvidence
  /** Seconds judged (after the warm-up). */
  span: number
  /** Passed, but a leak at the limit could not have shown in this run (memory series only). */
  inconclusive?: Inconclusive
  floor: number
}

export interface SeriesLimits {
  heap?: number
  external?: number
  arrayBuffers?: number
  rss?: number
  handles?: number
}

// Warm-up (pools filling, JIT, first allocations of the engine) grows the heap once: skip the
// first 2 s or 10 % of the run, whichever is longer, when enough samples remain.
export function afterWarmUp<T extends { t: number }>(all: T[]): T[] {
  const end = all.at(-1)?.t ?? 0
  const warm = all.filter((s) => s.t > Math.max(2, end * 0.1))
  return warm.length >= 5 ? warm : all
}

/** Samples of a watched process (`monitor.servers`, by service name) that carry its RSS. */
export function processSamples(result: Pick<RunResult, 'resources'>, name: string): { t: number; rss: number }[] {
  return result.resources.flatMap((s) => {
    const rss = s.servers?.[name]?.rss
    return rss === undefined ? [] : [{ t: s.t, rss }]
  })
}

const perSecond = (perMinute: number) => perMinute / 60

function finding(
  series: string,
  unit: LeakFinding['unit'],
  limit: number,
  floor: number,
  judged: ReturnType<typeof judgeTrend>,
): LeakFinding | undefined {
  return judged && { series, unit, limit, floor, ...judged }
}

/** Whether a watched process's RSS grows faster than `limit` (bytes per minute). */
export function analyseProcessLeak(result: Pick<RunResult, 'resources'>, name: string, limit: number): LeakFinding | undefined {
  const samples = afterWarmUp(processSamples(result, name))
  const judged = judgeTrend(
    samples.map((s) => ({ t: s.t, value: s.rss })),
    perSecond(limit),
    GROWTH_FLOOR_BYTES,
  )
  return finding(`${name} rss`, 'B', limit, GROWTH_FLOOR_BYTES, judged)
}

// Heap: the objects' part (code excluded), live after a major or full GC. Older results have the
// whole heap only.
function heapPoint(s: ResourceSample): MemoryPoint {
  const objects = s.heapObjects !== undefined
  const upper = s.heapObjects ?? s.heapUsed
  const live = objects ? s.heapObjectsAfterGc : s.heapAfterGc
  return { t: s.t, upper, ...(live !== undefined ? { live } : s.afterFullGc ? { live: upper } : {}) }
}

// External memory and ArrayBuffers are live only in samples taken after the monitor's full GCs.
function offHeapPoints(samples: ResourceSample[], key: 'external' | 'arrayBuffers'): MemoryPoint[] {
  return samples.flatMap((s) => {
    const v = s[key]
    return typeof v === 'number' ? [{ t: s.t, upper: v, ...(s.afterFullGc ? { live: v } : {}) }] : []
  })
}

/** Every series of the test process that has a limit, judged after the warm-up. Limits per minute. */
export function analyseLeaks(result: Pick<RunResult, 'resources'>, limits: SeriesLimits): LeakFinding[] {
  const samples = afterWarmUp(result.resources)
  const findings: (LeakFinding | undefined)[] = []
  if (limits.heap !== undefined)
    findings.push(finding('heap', 'B', limits.heap, GROWTH_FLOOR_BYTES, judgeGrowth(samples.map(heapPoint), perSecond(limits.heap))))
  for (const key of ['external', 'arrayBuffers'] as const) {
    const limit = limits[key]
    if (limit !== undefined)
      findings.push(finding(key, 'B', limit, GROWTH_FLOOR_BYTES, judgeGrowth(offHeapPoints(samples, key), perSecond(limit))))
  }
  if (limits.rss !== undefined) {
    const judged = judgeTrend(
      samples.map((s) => ({ t: s.t, value: s.rss })),
      perSecond(limits.rss),
      GROWTH_FLOOR_BYTES,
    )
    findings.push(finding('rss', 'B', limits.rss, GROWTH_FLOOR_BYTES, judged))
  }
  if (limits.handles !== undefined) {
    for (const type of new Set(samples.flatMap((s) => Object.keys(s.handles)))) {
      const judged = judgeTrend(
        samples.map((s) => ({ t: s.t, value: s.handles[type] ?? 0 })),
        perSecond(limits.handles),
        GROWTH_FLOOR_HANDLES,
      )
      // One leaked handle a minute takes minutes to tell from a pool opening one more: handles are
      // judged on what they show, never reported as too short.
      if (judged)
        findings.push(finding(`handles:${type}`, 'handles', limits.handles, GROWTH_FLOOR_HANDLES, { ...judged, inconclusive: undefined }))
    }
  }
  return findings.filter((f) => f !== undefined)
}
