import { decodeHistogram, mergeEncoded, summarize, type LatencySummary } from '../metrics/histogram.ts'
import type { RunResult, TimelinePoint } from '../metrics/result.ts'
import type { ThresholdOutcome } from '../thresholds/evaluate.ts'

/** Hidden property of a runLoad() result: `(n) => Promise<RunResult[]>` measuring n more repetitions. */
export const RERUN = Symbol.for('vitest-perf.rerun')

/** One repetition of a load as baselines keep it: summaries plus its encoded histograms. */
export interface RepetitionSummary {
  iterations: number
  durationMs: number
  throughput: number
  errorRate: number
  dropped: number
  latency: LatencySummary
  serviceTime: LatencySummary
  histograms: { latency: string; serviceTime: string }
}

export function summarizeRepetition(r: RunResult): RepetitionSummary {
  return {
    iterations: r.iterations,
    durationMs: r.durationMs,
    throughput: r.throughput,
    errorRate: r.errors.rate,
    dropped: r.dropped,
    latency: r.latency,
    serviceTime: r.serviceTime,
    histograms: r.histograms,
  }
}

function merge(encoded: string[]): { encoded: string; summary: LatencySummary } {
  const merged = mergeEncoded(encoded)
  const h = decodeHistogram(merged)
  try {
    return { encoded: merged, summary: summarize(h) }
  } finally {
    h.destroy()
  }
}

/** A threshold holds over repetitions when it held in each; the actual shown is the worst. */
function mergeThresholds(lists: ThresholdOutcome[][]): ThresholdOutcome[] {
  return lists[0].map((first, i) => {
    const all = lists.map((l) => l[i])
    const failed = all.filter((o) => !o.ok)
    const pick = failed[0] ?? all[all.length - 1]
    return { ...pick, ok: failed.length === 0, ...(failed.length ? { note: `failed in ${failed.length} of ${all.length} repetitions${pick.note ? `; ${pick.note}` : ''}` } : {}) }
  })
}

/**
 * Several repetitions of one load as one RunResult: counts summed, histograms merged, timelines
 * laid end to end, and each repetition's summary kept in `repetitions` for the verdict.
 */
export function mergeRepetitions(runs: RunResult[]): RunResult {
  if (runs.length === 1) return runs[0]
  const last = runs[runs.length - 1]
  const sum = (f: (r: RunResult) => number) => runs.reduce((s, r) => s + f(r), 0)
  const latency = merge(runs.map((r) => r.histograms.latency))
  const serviceTime = merge(runs.map((r) => r.histograms.serviceTime))
  const iterations = sum((r) => r.iterations)
  const failed = sum((r) => r.failed)
  const durationMs = sum((r) => r.durationMs)
  const timeline: TimelinePoint[] = []
  for (const r of runs) {
    const offset = timeline.length
    for (const p of r.timeline) timeline.push({ ...p, t: p.t + offset })
  }
  const byKind: RunResult['errors']['byKind'] = {}
  for (const r of runs) {
    for (const [kind, e] of Object.entries(r.errors.byKind)) {
      byKind[kind] = byKind[kind] ? { count: byKind[kind].count + e.count, message: byKind[kind].message } : { ...e }
    }
  }
  const aborted = runs.find((r) => r.state === 'aborted')
  return {
    ...last,
    state: aborted ? 'aborted' : 'completed',
    ...(aborted?.abort ? { abort: aborted.abort } : {}),
    startedAt: runs[0].startedAt,
    durationMs,
    iterations,
    failed,
    interrupted: sum((r) => r.interrupted),
    dropped: sum((r) => r.dropped),
    throughput: durationMs > 0 ? Math.round((iterations * 1e6) / durationMs) / 1000 : 0,
    vusAllocated: Math.max(...runs.map((r) => r.vusAllocated)),
    latency: latency.summary,
    serviceTime: serviceTime.summary,
    histograms: { latency: latency.encoded, serviceTime: serviceTime.encoded },
    errors: { count: failed, rate: iterations ? failed / iterations : 0, byKind },
    timeline,
    thresholds: mergeThresholds(runs.map((r) => r.thresholds)),
    repetitions: runs.map(summarizeRepetition),
  }
}
