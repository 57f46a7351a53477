import type { ProgressEvent } from '../engine/result-sink.ts'

const EVERY_MS = 10_000

function line(e: ProgressEvent): string {
  const s = (ms: number) => `${Math.round(ms / 1000)}s`
  const remaining = Number.isFinite(e.plannedMs) ? `, ${s(Math.max(0, e.plannedMs - e.elapsedMs))} left` : ''
  const rate = e.totals.iterations / Math.max(e.elapsedMs / 1000, 0.001)
  return `vitest-perf: ${e.name} — ${s(e.elapsedMs)}${remaining}, ${rate.toFixed(1)}/s, p95 ${e.point.p95.toFixed(2)}ms, errors ${e.totals.failed}, dropped ${e.totals.dropped}`
}

/**
 * Prints one plain line per running perf test every 10 s (the first after 10 s), so long soaks
 * show they are alive in CI logs and terminals alike, without fighting Vitest's own rendering.
 */
export class LiveProgress {
  private readonly last = new Map<string, number>()
  private readonly log: (text: string) => void

  constructor(log: (text: string) => void) {
    this.log = log
  }

  update(e: ProgressEvent): void {
    if (e.done) {
      this.last.delete(e.runId)
      return
    }
    const now = Date.now()
    const last = this.last.get(e.runId)
    if (last === undefined) {
      this.last.set(e.runId, now)
      return
    }
    if (now - last >= EVERY_MS) {
      this.last.set(e.runId, now)
      this.log(line(e))
    }
  }
}
