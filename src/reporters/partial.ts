import { availableParallelism } from 'node:os'
import type { ProgressEvent } from '../core/progress-event.ts'
import type { ResourceSample } from '../core/resource-sample.ts'
import type { LatencySummary, RunResult, TimelinePoint } from '../core/result.ts'

const EMPTY: LatencySummary = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 }

/** What the main process keeps of one run from its progress events. */
interface RunSoFar {
  last: ProgressEvent
  timeline: TimelinePoint[]
  resources: ResourceSample[]
}

/**
 * A run that had not finished when Vitest was interrupted, as a RunResult built from its last
 * progress event: counts and latency so far, the seconds received. It has no histograms (they
 * stayed in the worker), no custom metrics and no thresholds; `state` says it is partial.
 */
export function partialResult(
  last: ProgressEvent,
  timeline: readonly TimelinePoint[] = [],
  resources: readonly ResourceSample[] = [],
): RunResult {
  const { iterations, failed, dropped } = last.totals
  const started = last.startedAt ? Date.parse(last.startedAt) : NaN
  const byKind: RunResult['errors']['byKind'] = {}
  for (const [kind, count] of Object.entries(last.errorsByKind)) byKind[kind] = { count, message: '' }
  return {
    version: 1,
    name: last.name,
    state: 'interrupted',
    config: { executor: last.executor } as RunResult['config'],
    startedAt: last.startedAt ?? '',
    endedAt: Number.isFinite(started) ? new Date(started + last.elapsedMs).toISOString() : '',
    durationMs: last.elapsedMs,
    iterations,
    failed,
    interrupted: 0,
    dropped,
    throughput: last.elapsedMs > 0 ? Math.round((iterations * 1e6) / last.elapsedMs) / 1000 : 0,
    vusAllocated: last.soFar?.vusAllocated ?? timeline.reduce((max, p) => Math.max(max, p.vus), 0),
    latency: last.soFar?.latency ?? EMPTY,
    serviceTime: last.soFar?.serviceTime ?? EMPTY,
    histograms: { latency: '', serviceTime: '' },
    errors: { count: failed, rate: iterations > 0 ? failed / iterations : 0, byKind },
    timeline: [...timeline],
    metrics: {},
    thresholds: [],
    resources: [...resources],
    // The worker runs on this machine; which histogram build it used is not reported.
    environment: { node: process.version, platform: process.platform, arch: process.arch, cpus: availableParallelism(), histograms: 'js' },
  }
}

/** Keeps `list` ordered by `t` without duplicates; items mostly arrive in order. */
function insertByT<T extends { t: number }>(list: T[], item: T): void {
  let i = list.length
  while (i > 0 && list[i - 1].t > item.t) i--
  if (i > 0 && list[i - 1].t === item.t) return
  list.splice(i, 0, item)
}

/**
 * The runs in progress, fed by the progress events that reach the main process every second:
 * what is printed and written of them if Vitest is interrupted before they end.
 */
export class RunsInProgress {
  private readonly runs = new Map<string, RunSoFar>()

  record(event: ProgressEvent): void {
    const run = this.runs.get(event.runId)
    if (!run) {
      this.runs.set(event.runId, { last: event, timeline: [event.point], resources: event.resources ? [event.resources] : [] })
      return
    }
    // Events travel as separate requests: one may overtake another.
    if (event.elapsedMs >= run.last.elapsedMs) run.last = event
    insertByT(run.timeline, event.point)
    if (event.resources) insertByT(run.resources, event.resources)
  }

  /** Drops the runs of a test that finished: its own results came with it. */
  forget(testId: string): void {
    for (const [id, run] of this.runs) if (run.last.testId === testId) this.runs.delete(id)
  }

  clear(): void {
    this.runs.clear()
  }

  /** Partial results by test id (undefined: a run outside any test), each test's in the order they started. */
  byTest(): Map<string | undefined, RunResult[]> {
    const out = new Map<string | undefined, RunResult[]>()
    for (const run of this.runs.values()) {
      const list = out.get(run.last.testId) ?? []
      list.push(partialResult(run.last, run.timeline, run.resources))
      out.set(run.last.testId, list)
    }
    return out
  }
}
