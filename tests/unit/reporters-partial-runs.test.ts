import { afterEach, describe, expect, it } from 'vitest'
import type { ProgressEvent } from '../../src/core/progress-event.ts'
import type { TimelinePoint } from '../../src/core/result.ts'
import { partialResult, RunsInProgress } from '../../src/reporters/partial.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { setProgressSink } from '../../src/run/sinks.ts'

const point = (t: number, iterations = 100): TimelinePoint => ({
  t,
  ms: 1000,
  iterations,
  errors: 1,
  dropped: 0,
  throughput: iterations,
  p50: 5,
  p95: 9,
  p99: 12,
  vus: 4,
})
const latency = { count: 300, min: 1, mean: 6, p50: 5, p90: 8, p95: 9, p99: 12, p999: 15, max: 16 }

function event(t: number, overrides: Partial<ProgressEvent> = {}): ProgressEvent {
  return {
    runId: 'r1',
    name: 'soak',
    executor: 'constant-arrival-rate',
    elapsedMs: (t + 1) * 1000,
    plannedMs: 20_000,
    point: point(t),
    totals: { iterations: (t + 1) * 100, failed: t + 1, dropped: 0 },
    errorsByKind: { ECONNRESET: t + 1 },
    done: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    soFar: { latency, serviceTime: { ...latency, mean: 5 }, vusAllocated: 6 },
    testId: 'test-1',
    ...overrides,
  }
}

describe('partialResult()', () => {
  it('turns the last progress event into a RunResult marked interrupted', () => {
    const r = partialResult(event(2), [point(0), point(1), point(2)])
    expect(r).toMatchObject({
      version: 1,
      name: 'soak',
      state: 'interrupted',
      config: { executor: 'constant-arrival-rate' },
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:03.000Z',
      durationMs: 3000,
      iterations: 300,
      failed: 3,
      dropped: 0,
      throughput: 100,
      vusAllocated: 6,
      latency,
      histograms: { latency: '', serviceTime: '' },
      errors: { count: 3, rate: 0.01, byKind: { ECONNRESET: { count: 3, message: '' } } },
    })
    expect(r.serviceTime.mean).toBe(5)
    expect(r.timeline.map((p) => p.t)).toEqual([0, 1, 2])
  })

  it('falls back to empty latency and the timeline VUs when the event has no figures so far', () => {
    const r = partialResult(event(0, { soFar: undefined, startedAt: undefined }), [{ ...point(0), vus: 9 }])
    expect(r.latency.count).toBe(0)
    expect(r.vusAllocated).toBe(9)
    expect([r.startedAt, r.endedAt]).toEqual(['', ''])
  })
})

describe('RunsInProgress', () => {
  it('keeps the latest event and each second once, in order, whatever order they arrive in', () => {
    const runs = new RunsInProgress()
    for (const t of [0, 2, 1, 2]) runs.record(event(t))
    const [result] = runs.byTest().get('test-1')!
    expect(result.iterations).toBe(300)
    expect(result.timeline.map((p) => p.t)).toEqual([0, 1, 2])
  })

  it('groups runs by test, forgets a finished test, and files runs outside tests under undefined', () => {
    const runs = new RunsInProgress()
    runs.record(event(0))
    runs.record(event(0, { runId: 'r2', name: 'second' }))
    runs.record(event(0, { runId: 'r3', testId: 'test-2' }))
    runs.record(event(0, { runId: 'r4', testId: undefined, name: 'in beforeAll' }))
    expect(
      runs
        .byTest()
        .get('test-1')!
        .map((r) => r.name),
    ).toEqual(['soak', 'second'])
    expect(
      runs
        .byTest()
        .get(undefined)!
        .map((r) => r.name),
    ).toEqual(['in beforeAll'])
    runs.forget('test-1')
    expect([...runs.byTest().keys()]).toEqual(['test-2', undefined])
    runs.clear()
    expect(runs.byTest().size).toBe(0)
  })
})

describe('progress events of a real run', () => {
  afterEach(() => setProgressSink(undefined))

  it('carry the start time and the latency and VUs of the run so far', async () => {
    const events: ProgressEvent[] = []
    setProgressSink((e) => events.push(e))
    const result = await runLoad({ executor: 'per-vu-iterations', vus: 2, iterations: 25 }, () => {}, { attach: false, monitor: false })
    const last = events.at(-1)!
    expect(Math.abs(Date.parse(last.startedAt!) - Date.parse(result.startedAt))).toBeLessThan(50)
    expect(last.soFar?.latency.count).toBe(result.iterations)
    expect(last.soFar?.latency.max).toBe(result.latency.max)
    expect(last.soFar?.vusAllocated).toBe(result.vusAllocated)
  })
})
