import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProgressEvent } from '../../src/engine/result-sink.ts'
import { LiveProgress } from '../../src/reporters/live.ts'

const event = (runId: string, second: number, done = false): ProgressEvent => ({
  runId, name: `run ${runId}`, executor: 'constant-vus', elapsedMs: second * 1000, plannedMs: 60_000,
  point: { t: second - 1, ms: 1000, iterations: 100, errors: 1, dropped: 0, throughput: 100, p50: 1, p95: 2.5, p99: 4, vus: 5 },
  totals: { iterations: second * 100, failed: second, dropped: 0 }, errorsByKind: {}, latency: '', done,
})

describe('LiveProgress', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('prints one line per running test every 10 s', () => {
    const lines: string[] = []
    const live = new LiveProgress((l) => lines.push(l))
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
})
