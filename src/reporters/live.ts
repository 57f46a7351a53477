import type { ProgressEvent } from '../core/progress-event.ts'

/** Plain mode: one line per running test this often (the first after this long). */
const EVERY_MS = 10_000
/** Window mode: a run whose worker stopped reporting (killed, timed out) leaves the window. */
const STALE_MS = 5_000

export type LiveMode = 'window' | 'plain'

const s = (ms: number) => `${Math.round(ms / 1000)}s`
const left = (e: ProgressEvent) => (Number.isFinite(e.plannedMs) ? `, ${s(Math.max(0, e.plannedMs - e.elapsedMs))} left` : '')

/** The plain line, for logs: the average rate since the start. */
export function plainLine(e: ProgressEvent): string {
  const rate = e.totals.iterations / Math.max(e.elapsedMs / 1000, 0.001)
  return `vitest-perf: ${e.name} — ${s(e.elapsedMs)}${left(e)}, ${rate.toFixed(1)}/s, p95 ${e.point.p95.toFixed(2)}ms, errors ${e.totals.failed}, dropped ${e.totals.dropped}`
}

/**
 * The row redrawn in Vitest's window: the last second's rate and p95. One terminal row per
 * element (the renderer counts rows per element), so whitespace in the name is flattened;
 * ASCII separators keep the renderer's width count exact.
 */
export function liveRow(e: ProgressEvent): string {
  const name = e.name.replace(/\s+/g, ' ')
  return ` vitest-perf  ${name}  ${s(e.elapsedMs)}${left(e)} | ${e.point.throughput.toFixed(1)}/s | p95 ${e.point.p95.toFixed(2)}ms | errors ${e.totals.failed} | dropped ${e.totals.dropped}`
}

/** Our rows go at the top of the window, under its leading blank line. */
export function withRows(window: string[], rows: string[]): string[] {
  if (rows.length === 0) return window
  const at = window[0] === '' ? 1 : 0
  return [...window.slice(0, at), ...rows, ...window.slice(at)]
}

export interface LiveWindow {
  /** Adds `rows()` to every redraw of the window; returns the undo. */
  attach(rows: () => string[]): () => void
  redraw(): void
}

interface Renderer {
  options: { getWindow: () => string[] }
  schedule?: () => void
}

/**
 * Vitest has no public API for rows in its redrawn area. Its `default`, `verbose` and `tree`
 * reporters hold a SummaryReporter (`summary`) and `dot` holds `renderer` directly: a
 * WindowRenderer whose `options.getWindow()` gives the rows it redraws, below everything else
 * written to stdout/stderr, on its own timer. They exist only when the reporter's `isTTY` is
 * true (`process.stdout.isTTY && !isCI`, std-env's isCI): Vitest's own verdict, which we follow.
 * Any other shape (another reporter, a future Vitest) gives undefined: plain lines then.
 */
export function findWindow(reporters: readonly unknown[]): LiveWindow | undefined {
  for (const reporter of reporters) {
    const r = (reporter ?? {}) as { isTTY?: unknown; summary?: { renderer?: unknown }; renderer?: unknown }
    if (r.isTTY !== true) continue
    const renderer = [r.summary?.renderer, r.renderer].find(
      (c) => typeof (c as Partial<Renderer> | undefined)?.options?.getWindow === 'function',
    ) as Renderer | undefined
    if (!renderer) continue
    const options = renderer.options
    return {
      attach(rows) {
        const original = options.getWindow
        options.getWindow = () => {
          const window = original.call(options)
          try {
            return withRows(window, rows())
          } catch {
            return window
          }
        }
        return () => {
          options.getWindow = original
        }
      },
      redraw() {
        if (typeof renderer.schedule === 'function') renderer.schedule()
      },
    }
  }
  return undefined
}

/** Vitest's reporter instances: `vitest.reporters` is not in Vitest's types (internal). */
export function reportersOf(vitest: object): readonly unknown[] {
  const reporters = (vitest as { reporters?: unknown }).reporters
  return Array.isArray(reporters) ? reporters : []
}

/**
 * Live progress of running perf tests, fed every second by the workers. Registered as a Vitest
 * reporter: at the start of each run it looks for Vitest's redrawn window (TTY, not CI) and
 * shows one row per running test there, updated in place and gone when the test or the run ends.
 * Otherwise (CI, non-TTY, a reporter without a window) it logs one plain line per running test
 * every 10 s (the first after 10 s).
 */
export class LiveProgress {
  private readonly log: (text: string) => void
  private readonly reporters: () => readonly unknown[]
  private readonly last = new Map<string, number>()
  private readonly running = new Map<string, { event: ProgressEvent; at: number }>()
  private window: LiveWindow | undefined
  private detach: (() => void) | undefined

  constructor(log: (text: string) => void, reporters: () => readonly unknown[] = () => []) {
    this.log = log
    this.reporters = reporters
  }

  get mode(): LiveMode {
    return this.window ? 'window' : 'plain'
  }

  onTestRunStart(): void {
    this.onTestRunEnd()
    this.window = findWindow(this.reporters())
    this.detach = this.window?.attach(() => this.rows())
  }

  onTestRunEnd(): void {
    this.detach?.()
    this.detach = undefined
    this.window = undefined
    this.running.clear()
    this.last.clear()
  }

  /** The window's rows now: one per running test, oldest first. */
  rows(): string[] {
    const now = Date.now()
    const rows: string[] = []
    for (const [id, { event, at }] of this.running) {
      if (now - at > STALE_MS) this.running.delete(id)
      else rows.push(liveRow(event))
    }
    return rows
  }

  update(e: ProgressEvent): void {
    if (this.window) {
      if (e.done) this.running.delete(e.runId)
      else this.running.set(e.runId, { event: e, at: Date.now() })
      this.window.redraw()
      return
    }
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
      this.log(plainLine(e))
    }
  }
}
