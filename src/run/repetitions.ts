import { decodeHistogram, mergeEncoded, summarize } from '../metrics/histogram.ts'
import { type LatencySummary } from '../core/result.ts'
import type { ResourceSample } from '../core/resource-sample.ts'
import type { RunResult, TimelinePoint } from '../core/result.ts'
import type { ThresholdOutcome } from '../core/result.ts'
import type { RepetitionSummary, ScenarioRepetition, ScenarioResult } from '../core/result.ts'

/** Measures `n` more repetitions of the load a result came from. */
export type Rerun = (n: number) => Promise<RunResult[]>

const reruns = new WeakMap<RunResult, Rerun>()

/** runLoad() registers how to measure more of its load, for toMatchBaseline()'s reruns. */
export function registerRerun(result: RunResult, rerun: Rerun): void {
  reruns.set(result, rerun)
}

/** How to measure more repetitions of the load behind `result`, when it came from runLoad(). */
export function rerunOf(result: RunResult): Rerun | undefined {
  return reruns.get(result)
}

/** CPU ms per iteration, rounded to 0.1 µs: the plain numbers the verdict compares. */
function perIteration(r: RunResult): RepetitionSummary['cpuPerIteration'] {
  if (!r.cpu || r.iterations === 0) return undefined
  const per = (ms: number) => Math.round((ms / r.iterations) * 1e4) / 1e4
  const servers = r.cpu.servers && Object.fromEntries(Object.entries(r.cpu.servers).map(([name, ms]) => [name, per(ms)]))
  return { process: per(r.cpu.process), ...(servers && Object.keys(servers).length ? { servers } : {}) }
}

export function summarizeRepetition(r: RunResult): RepetitionSummary {
  const cpuPerIteration = perIteration(r)
  return {
    iterations: r.iterations,
    durationMs: r.durationMs,
    throughput: r.throughput,
    errorRate: r.errors.rate,
    dropped: r.dropped,
    latency: r.latency,
    serviceTime: r.serviceTime,
    histograms: r.histograms,
    ...(cpuPerIteration ? { cpuPerIteration } : {}),
    ...(r.probe ? { probe: r.probe } : {}),
    ...(r.cpu?.otherCores !== undefined ? { otherCores: r.cpu.otherCores } : {}),
    ...(r.scenarios ? { scenarios: Object.fromEntries(Object.entries(r.scenarios).map(([name, s]) => [name, summarizeScenario(s)])) } : {}),
  }
}

function summarizeScenario(s: ScenarioResult): ScenarioRepetition {
  return {
    executor: s.executor,
    iterations: s.iterations,
    durationMs: s.durationMs,
    throughput: s.throughput,
    errorRate: s.errors.rate,
    dropped: s.dropped,
    latency: s.latency,
    serviceTime: s.serviceTime,
  }
}

/** CPU of several repetitions: the sums, a server counted only when every repetition read it. */
function mergeCpu(runs: RunResult[]): RunResult['cpu'] {
  if (!runs.every((r) => r.cpu)) return undefined
  const all = runs.map((r) => r.cpu!)
  const names = Object.keys(all[0].servers ?? {}).filter((n) => all.every((c) => c.servers?.[n] !== undefined))
  const round = (ms: number) => Math.round(ms * 1000) / 1000
  const notes = [...new Set(all.flatMap((c) => c.notes ?? []))]
  // Cores other processes kept busy, weighted by each repetition's length.
  const timed = runs.every((r) => r.cpu!.otherCores !== undefined) && runs.some((r) => r.durationMs > 0)
  const otherCores = timed
    ? round(runs.reduce((s, r) => s + r.cpu!.otherCores! * r.durationMs, 0) / runs.reduce((s, r) => s + r.durationMs, 0))
    : undefined
  return {
    process: round(all.reduce((s, c) => s + c.process, 0)),
    ...(names.length ? { servers: Object.fromEntries(names.map((n) => [n, round(all.reduce((s, c) => s + c.servers![n], 0))])) } : {}),
    ...(otherCores !== undefined ? { otherCores } : {}),
    ...(notes.length ? { notes } : {}),
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
    return {
      ...pick,
      ok: failed.length === 0,
      ...(failed.length ? { note: `failed in ${failed.length} of ${all.length} repetitions${pick.note ? `; ${pick.note}` : ''}` } : {}),
    }
  })
}

function mergeByKind(parts: { errors: RunResult['errors'] }[]): RunResult['errors']['byKind'] {
  const byKind: RunResult['errors']['byKind'] = {}
  for (const r of parts) {
    for (const [kind, e] of Object.entries(r.errors.byKind)) {
      byKind[kind] = byKind[kind] ? { count: byKind[kind].count + e.count, message: byKind[kind].message } : { ...e }
    }
  }
  return byKind
}

/** Each scenario over the repetitions, as the totals are merged; its timeline on the totals' end-to-end clock. */
function mergeScenarios(runs: RunResult[]): RunResult['scenarios'] {
  const last = runs[runs.length - 1].scenarios
  if (last === undefined) return undefined
  const offsets = runs.map((_, i) => runs.slice(0, i).reduce((n, r) => n + r.timeline.length, 0))
  const merged: Record<string, ScenarioResult> = {}
  for (const [name, end] of Object.entries(last)) {
    const parts = runs.flatMap((r, i) =>
      r.scenarios && Object.hasOwn(r.scenarios, name) ? [{ s: r.scenarios[name], offset: offsets[i] }] : [],
    )
    const sum = (f: (s: ScenarioResult) => number) => parts.reduce((n, p) => n + f(p.s), 0)
    const latency = merge(parts.map((p) => p.s.histograms.latency))
    const serviceTime = merge(parts.map((p) => p.s.histograms.serviceTime))
    const [iterations, failed, durationMs] = [sum((s) => s.iterations), sum((s) => s.failed), sum((s) => s.durationMs)]
    merged[name] = {
      ...end,
      durationMs,
      iterations,
      failed,
      interrupted: sum((s) => s.interrupted),
      dropped: sum((s) => s.dropped),
      throughput: durationMs > 0 ? Math.round((iterations * 1e6) / durationMs) / 1000 : 0,
      vusAllocated: Math.max(...parts.map((p) => p.s.vusAllocated)),
      latency: latency.summary,
      serviceTime: serviceTime.summary,
      histograms: { latency: latency.encoded, serviceTime: serviceTime.encoded },
      errors: { count: failed, rate: iterations ? failed / iterations : 0, byKind: mergeByKind(parts.map((p) => p.s)) },
      timeline: parts.flatMap((p) => p.s.timeline.map((point) => ({ ...point, t: point.t + p.offset }))),
    }
  }
  return merged
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
  // Every repetition's resource samples, on the same end-to-end clock as the timeline.
  const resources: ResourceSample[] = []
  for (const r of runs) {
    const offset = timeline.length
    for (const p of r.timeline) timeline.push({ ...p, t: p.t + offset })
    for (const sample of r.resources) resources.push({ ...sample, t: Math.round((sample.t + offset) * 1000) / 1000 })
  }
  const byKind = mergeByKind(runs)
  const scenarios = mergeScenarios(runs)
  const aborted = runs.find((r) => r.state === 'aborted')
  const { probe: _probe, cpu: _cpu, ...rest } = last
  const cpu = mergeCpu(runs)
  return {
    ...rest,
    ...(cpu ? { cpu } : {}),
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
    ...(scenarios ? { scenarios } : {}),
    resources,
    thresholds: mergeThresholds(runs.map((r) => r.thresholds)),
    repetitions: runs.map(summarizeRepetition),
  }
}
