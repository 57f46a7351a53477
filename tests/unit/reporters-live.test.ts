import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProgressEvent } from '../../src/core/progress-event.ts'
import { findWindow, LiveProgress, liveRow, plainLine, withRows } from '../../src/reporters/live.ts'

const event = (runId: string, second: number, done = false): ProgressEvent => ({
  runId,
  name: `run ${runId}`,
  executor: 'constant-vus',
  elapsedMs: second * 1000,
  plannedMs: 60_000,
  point: { t: second - 1, ms: 1000, iterations: 100, errors: 1, dropped: 0, throughput: 100, p50: 1, p95: 2.5, p99: 4, vus: 5 },
  totals: { iterations: second * 100, failed: second, dropped: 0 },
  errorsByKind: {},
  latency: '',
  done,
})

/** The shape of Vitest 5's WindowRenderer that we rely on: options.getWindow() and schedule(). */
function fakeRenderer() {
  const window = ['', ' ❯ a.perf.ts 0/1', '', ' Test Files 0 passed (1)', '']
  return { options: { getWindow: () => window }, schedule: vi.fn() }
}

describe('LiveProgress, plain (CI, non-TTY, no window)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('prints one line per running test every 10 s', () => {
    const lines: string[] = []
    const live = new LiveProgress((l) => lines.push(l))
    live.onTestRunStart()
    expect(live.mode).toBe('plain')
    for (let s = 1; s <= 25; s++) {
      live.update(event('a', s))
      live.update(event('b', s))
      vi.advanceTimersByTime(1000)
    }
    expect(lines).toHaveLength(4)
    expect(lines[0]).toBe('vitest-perf: run a — 11s, 49s left, 100.0/s, p95 2.50ms, errors 11, dropped 0')
    expect(lines.filter((l) => l.includes('run b'))).toHaveLength(2)
  })

  it('stops printing when a run is done', () => {
    const lines: string[] = []
    const live = new LiveProgress((l) => lines.push(l))
    live.update(event('a', 1))
    live.update(event('a', 2, true))
    vi.advanceTimersByTime(20_000)
    live.update(event('a', 22))
    expect(lines).toHaveLength(0)
  })

  it('stays plain when Vitest says the terminal is no TTY (or CI)', () => {
    const live = new LiveProgress(
      () => {},
      () => [{ isTTY: false, summary: { renderer: fakeRenderer() } }],
    )
    live.onTestRunStart()
    expect(live.mode).toBe('plain')
  })
})

describe('findWindow: the mode choice', () => {
  it('finds the window of default/verbose/tree (summary.renderer) and dot (renderer) in a TTY', () => {
    expect(findWindow([{ isTTY: true, summary: { renderer: fakeRenderer() } }])).toBeDefined()
    expect(findWindow([{ isTTY: true, renderer: fakeRenderer() }])).toBeDefined()
    expect(findWindow(['default', null, { isTTY: false }, { isTTY: true, renderer: fakeRenderer() }])).toBeDefined()
  })

  it('finds none under CI or without a TTY (Vitest builds no window then), nor in unknown shapes', () => {
    expect(findWindow([{ isTTY: false, summary: { renderer: fakeRenderer() } }])).toBeUndefined()
    expect(findWindow([{ isTTY: true }])).toBeUndefined() // minimal, or default with summary: false
    expect(findWindow([{ isTTY: true, summary: { renderer: { options: {} } } }])).toBeUndefined()
    expect(findWindow([{ isTTY: true, renderer: { render: () => {} } }])).toBeUndefined()
    expect(findWindow([])).toBeUndefined()
  })

  it('adds rows to the redrawn window and undoes it; a failing row source leaves the window alone', () => {
    const renderer = fakeRenderer()
    const original = renderer.options.getWindow
    const window = findWindow([{ isTTY: true, renderer }])!
    const detach = window.attach(() => ['row'])
    expect(renderer.options.getWindow()).toEqual(['', 'row', ' ❯ a.perf.ts 0/1', '', ' Test Files 0 passed (1)', ''])
    detach()
    expect(renderer.options.getWindow).toBe(original)
    window.attach(() => {
      throw new Error('boom')
    })
    expect(renderer.options.getWindow()).toEqual(original())
  })
})

describe("LiveProgress, in Vitest's window (TTY, not CI)", () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('shows one row per running test, updated in place, gone when done or at the run end', () => {
    const lines: string[] = []
    const renderer = fakeRenderer()
    const original = renderer.options.getWindow
    const live = new LiveProgress(
      (l) => lines.push(l),
      () => [{ isTTY: true, summary: { renderer } }],
    )
    live.onTestRunStart()
    expect(live.mode).toBe('window')
    for (let s = 1; s <= 12; s++) {
      live.update(event('a', s))
      live.update(event('b', s))
      vi.advanceTimersByTime(1000)
    }
    const window = renderer.options.getWindow()
    expect(window.slice(0, 4)).toEqual(['', liveRow(event('a', 12)), liveRow(event('b', 12)), ' ❯ a.perf.ts 0/1'])
    expect(renderer.schedule).toHaveBeenCalledTimes(24)
    expect(lines).toEqual([]) // no plain lines beside the window
    live.update(event('a', 13, true))
    expect(renderer.options.getWindow().filter((r) => r.includes('vitest-perf'))).toEqual([liveRow(event('b', 12))])
    live.onTestRunEnd()
    expect(renderer.options.getWindow).toBe(original)
    expect(live.mode).toBe('plain')
  })

  it('drops the row of a run that stopped reporting (worker killed, test timed out)', () => {
    const renderer = fakeRenderer()
    const live = new LiveProgress(
      () => {},
      () => [{ isTTY: true, renderer }],
    )
    live.onTestRunStart()
    live.update(event('a', 1))
    vi.advanceTimersByTime(5000)
    expect(live.rows()).toHaveLength(1)
    vi.advanceTimersByTime(1000)
    expect(live.rows()).toEqual([])
  })

  it('attaches once per run, also across watch-mode reruns', () => {
    const renderer = fakeRenderer()
    const live = new LiveProgress(
      () => {},
      () => [{ isTTY: true, renderer }],
    )
    live.onTestRunStart()
    live.onTestRunStart()
    live.update(event('a', 1))
    expect(renderer.options.getWindow().filter((r) => r.includes('vitest-perf'))).toHaveLength(1)
  })
})

describe('live formatting', () => {
  it("formats the live row: elapsed, remaining, this second's rate and p95, errors, dropped", () => {
    expect(liveRow(event('a', 12))).toBe(' vitest-perf  run a  12s, 48s left | 100.0/s | p95 2.50ms | errors 12 | dropped 0')
    const unbounded = { ...event('a', 3), name: 'multi\nline  name', plannedMs: Infinity }
    expect(liveRow(unbounded)).toBe(' vitest-perf  multi line name  3s | 100.0/s | p95 2.50ms | errors 3 | dropped 0')
    expect(plainLine(unbounded)).toBe('vitest-perf: multi\nline  name — 3s, 100.0/s, p95 2.50ms, errors 3, dropped 0')
  })

  it("puts the rows under the window's leading blank line", () => {
    expect(withRows(['', 'x', ''], ['r1', 'r2'])).toEqual(['', 'r1', 'r2', 'x', ''])
    expect(withRows(['dots', ''], ['r1'])).toEqual(['r1', 'dots', ''])
    expect(withRows(['', 'x'], [])).toEqual(['', 'x'])
  })
})
