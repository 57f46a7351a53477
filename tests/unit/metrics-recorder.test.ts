import { beforeAll, describe, expect, it } from 'vitest'
import { PerfError } from '../../src/core/errors.ts'
import { initHistograms } from '../../src/metrics/histogram.ts'
import { Recorder } from '../../src/metrics/recorder.ts'
import { MetricRegistry } from '../../src/metrics/registry.ts'
import type { MetricSnapshot } from '../../src/core/metric-snapshot.ts'
import { WindowTracker } from '../../src/thresholds/windows.ts'
import { compileThresholds } from '../../src/thresholds/define.ts'
import { type ThresholdsInput } from '../../src/core/load-config.ts'

// Synthetic clock: t0 = 0, every time below is in ms since the start of the run.

beforeAll(async () => {
  await initHistograms()
})

function recorder(thresholds?: ThresholdsInput): Recorder {
  if (thresholds === undefined) return new Recorder(0)
  const { defs, problems } = compileThresholds(thresholds)
  expect(problems).toEqual([])
  return new Recorder(0, defs)
}

function trend(s: MetricSnapshot | undefined) {
  if (s?.type !== 'trend') throw new Error(`expected a trend snapshot, got ${JSON.stringify(s)}`)
  return s.stats
}

/** Second 0: three iterations (one failed) and one drop; seconds 1–2: a stall; second 3: one iteration; ends at 3.75 s. */
function stalledRun(): Recorder {
  const rec = recorder()
  rec.recordIteration(100, 100, 150, false, undefined) // latency 50, service 50
  rec.recordIteration(200, 300, 320, false, undefined) // latency 120, service 20
  rec.recordIteration(400, 400, 500, true, new Error('boom')) // latency 100, service 100
  rec.recordDropped(600)
  // Nothing from 1 s to 3.4 s; the next finish closes seconds 0, 1 and 2 on its own.
  rec.recordIteration(3400, 3400, 3500, false, undefined) // latency 100, service 100
  rec.finish(3750)
  return rec
}

describe('Recorder timeline', () => {
  it('has one point per second, including the empty seconds of a stall', () => {
    const rec = stalledRun()
    try {
      expect(rec.timeline.map((p) => p.t)).toEqual([0, 1, 2, 3])
      expect(rec.timeline.map((p) => p.iterations)).toEqual([3, 0, 0, 1])
      expect(rec.timeline.map((p) => p.errors)).toEqual([1, 0, 0, 0])
      expect(rec.timeline.map((p) => p.dropped)).toEqual([1, 0, 0, 0])
      expect(rec.timeline[1]).toMatchObject({ ms: 1000, throughput: 0, p50: 0, p95: 0, p99: 0 })
    } finally {
      rec.destroy()
    }
  })

  it('marks the last point as partial with its length in ms and scales its throughput', () => {
    const rec = stalledRun()
    try {
      expect(rec.timeline.slice(0, 3).map((p) => p.ms)).toEqual([1000, 1000, 1000])
      const last = rec.timeline.at(-1)!
      expect(last.ms).toBe(750)
      expect(last.throughput).toBeCloseTo(1000 / 750, 3)
      expect(rec.timeline[0].throughput).toBe(3)
      expect(rec.elapsedMs).toBe(3750)
    } finally {
      rec.destroy()
    }
  })

  it('per-second percentiles are latency (from the planned start) in ms', () => {
    const rec = stalledRun()
    try {
      const first = rec.timeline[0]
      expect(first.p50).toBeGreaterThan(99)
      expect(first.p50).toBeLessThan(101)
      expect(first.p99).toBeGreaterThan(119.5)
      expect(first.p99).toBeLessThan(120.5)
      expect(rec.timeline[3].p99).toBeCloseTo(100, 0)
    } finally {
      rec.destroy()
    }
  })

  it('adds up the totals', () => {
    const rec = stalledRun()
    try {
      expect({ iterations: rec.iterations, failed: rec.failed, dropped: rec.dropped }).toEqual({ iterations: 4, failed: 1, dropped: 1 })
      expect(rec.latency.totalCount).toBe(4)
      expect(rec.serviceTime.totalCount).toBe(4)
      expect(rec.errors.toJSON()).toEqual({ Error: { count: 1, message: 'boom' } })
    } finally {
      rec.destroy()
    }
  })

  it('rollover alone closes the seconds of a stall, and records that land later go to their own second', () => {
    const rec = recorder()
    try {
      rec.recordIteration(0, 0, 10, false, undefined)
      rec.rollover(999)
      expect(rec.timeline).toHaveLength(0)
      rec.rollover(2500)
      expect(rec.timeline.map((p) => [p.t, p.iterations])).toEqual([
        [0, 1],
        [1, 0],
      ])
      rec.recordDropped(2600)
      rec.recordDropped(3100)
      rec.finish(3200)
      expect(rec.timeline.map((p) => p.dropped)).toEqual([0, 0, 1, 1])
      expect(rec.timeline.at(-1)!.ms).toBe(200)
    } finally {
      rec.destroy()
    }
  })

  it('a run that ends on a second boundary has no partial point, an empty run has one point', () => {
    const whole = recorder()
    const empty = recorder()
    try {
      whole.recordIteration(0, 0, 500, false, undefined)
      whole.finish(2000)
      expect(whole.timeline.map((p) => p.ms)).toEqual([1000, 1000])
      empty.finish(0)
      expect(empty.timeline).toHaveLength(1)
      expect(empty.timeline[0]).toMatchObject({ t: 0, iterations: 0 })
    } finally {
      whole.destroy()
      empty.destroy()
    }
  })

  it('keeps what ends on the boundary where the run ends too, in a point of its own', () => {
    const rec = recorder()
    try {
      rec.recordIteration(0, 0, 10, false, undefined)
      // The ticker closes second 0 at 1000; what ends at 1000 opens second 1.
      rec.rollover(1000)
      rec.recordIteration(990, 990, 1000, true, new Error('last'))
      rec.recordDropped(1000)
      rec.finish(1000)
      expect(rec.iterations).toBe(2)
      expect(rec.failed).toBe(1)
      expect(rec.dropped).toBe(1)
      expect(rec.timeline.map((p) => [p.ms, p.iterations, p.errors, p.dropped])).toEqual([
        [1000, 1, 0, 0],
        [0.001, 1, 1, 1],
      ])
      expect(rec.elapsedMs).toBe(1000)
    } finally {
      rec.destroy()
    }
  })

  it('stops closing seconds after finish', () => {
    const rec = recorder()
    try {
      rec.finish(1500)
      rec.rollover(10_000)
      expect(rec.timeline).toHaveLength(2)
    } finally {
      rec.destroy()
    }
  })

  it('records vusNow at the close of every second', () => {
    const rec = recorder()
    let vus = 3
    rec.vusNow = () => vus
    try {
      rec.rollover(1000)
      vus = 7
      rec.finish(1500)
      expect(rec.timeline.map((p) => p.vus)).toEqual([3, 7])
    } finally {
      rec.destroy()
    }
  })

  it('calls onSecond with each closed second', () => {
    const rec = recorder()
    const seen: number[] = []
    rec.onSecond = (point) => seen.push(point.t + 1)
    try {
      rec.rollover(2100)
      rec.finish(2400)
      expect(seen).toEqual([1, 2, 3])
    } finally {
      rec.destroy()
    }
  })
})

describe('Recorder latency vs service time', () => {
  it('latency counts from the planned start, service time from the actual start', () => {
    const rec = recorder()
    try {
      // Planned at 0, started 400 ms late (coordinated omission), took 10 ms.
      rec.recordIteration(0, 400, 410, false, undefined)
      rec.recordIteration(500, 500, 510, false, undefined)
      rec.finish(1000)
      const latency = trend(rec.snapshot('latency'))
      const service = trend(rec.snapshot('service_time'))
      expect(latency.max).toBeGreaterThan(409)
      expect(latency.max).toBeLessThan(411)
      expect(service.max).toBeGreaterThan(9.9)
      expect(service.max).toBeLessThan(10.1)
      expect(latency.min).toBeCloseTo(10, 1)
      expect(latency.count).toBe(2)
      expect(service.count).toBe(2)
    } finally {
      rec.destroy()
    }
  })

  it('a second of on-time starts keeps one histogram for both; a late start later in it splits them exactly', () => {
    const rec = recorder()
    const seconds: { latency: number[]; service: number[]; shared: boolean }[] = []
    rec.onSecond = (_point, data) => {
      const stats = (h: typeof data.latency) => [h.totalCount, h.minNonZeroValue, h.maxValue, h.getValueAtPercentile(50)]
      seconds.push({ latency: stats(data.latency), service: stats(data.serviceTime), shared: data.latency === data.serviceTime })
    }
    try {
      // Second 0: closed-model iterations only (planned == start).
      rec.recordIteration(100, 100, 110, false, undefined)
      rec.recordIteration(200, 200, 230, false, undefined)
      // Second 1: two on time, then one planned at 1500 that started at 1600, then one on time.
      rec.recordIteration(1100, 1100, 1105, false, undefined)
      rec.recordIteration(1200, 1200, 1220, false, undefined)
      rec.recordIteration(1500, 1600, 1650, false, undefined)
      rec.recordIteration(1700, 1700, 1701, false, undefined)
      // Second 2: on time again, shared again.
      rec.recordIteration(2100, 2100, 2107, false, undefined)
      rec.finish(2500)
      expect(seconds.map((s) => s.shared)).toEqual([true, false, true])
      expect(seconds[0].service).toEqual(seconds[0].latency)
      // In µs (p50 at HDR resolution): latency 5, 20, 150, 1 ms; service time 5, 20, 50, 1 ms.
      expect(seconds[1].latency).toEqual([4, 1000, 150_000, 5003])
      expect(seconds[1].service).toEqual([4, 1000, 50_000, 5003])
      expect(seconds[2].latency).toEqual([1, 7000, 7000, 7003])
      const service = trend(rec.snapshot('service_time'))
      const latency = trend(rec.snapshot('latency'))
      expect(service.count).toBe(7)
      expect(latency.count).toBe(7)
      expect(service.max).toBeCloseTo(50, 1)
      expect(latency.max).toBeCloseTo(150, 0)
      expect(service.min).toBeCloseTo(1, 1)
    } finally {
      rec.destroy()
    }
  })
})

/** A recorder whose closed seconds feed the window trackers of `thresholds`, as the thresholds extension does. */
function windowed(thresholds: ThresholdsInput) {
  const { defs, problems } = compileThresholds(thresholds)
  expect(problems).toEqual([])
  const rec = new Recorder(0, defs)
  const windows = defs.filter((d) => d.parsed.windowMs !== undefined).map((d) => new WindowTracker(d))
  const failures: WindowTracker[] = []
  rec.onSecond = (_point, data) => {
    for (const w of windows) if (!w.feed(data)) failures.push(w)
  }
  const finish = (end: number) => {
    rec.finish(end)
    for (const w of windows) w.finish()
  }
  return { rec, windows, failures, finish }
}

describe('Recorder windowed thresholds', () => {
  /** Fast (10 ms) in seconds 0–1 and 4–5, slow (300 ms) in seconds 2–3. */
  function feedSlowMiddle(rec: Recorder, finish: (end: number) => void): void {
    for (let s = 0; s < 6; s++) {
      const slow = s === 2 || s === 3
      for (let i = 0; i < 10; i++) {
        const end = s * 1000 + 400 + i * 50
        const took = slow ? 300 : 10
        rec.recordIteration(end - took, end - took, end, false, undefined)
      }
    }
    finish(6000)
  }

  it.each([
    ['a failing middle window', { latency: ['p(95)<100 over 2s'] }, { total: 3, failed: 1 }],
    ['no failing window', { latency: ['p(95)<500 over 2s'] }, { total: 3, failed: 0 }],
    ['1 s windows', { latency: ['p(95)<100 over 1s'] }, { total: 6, failed: 2 }],
    ['3 s windows', { latency: ['p(95)<100 over 3s'] }, { total: 2, failed: 2 }],
    ['service time', { service_time: ['max<50 over 2s'] }, { total: 3, failed: 1 }],
  ])('%s', (_label, thresholds, expected) => {
    const { rec, windows, failures, finish } = windowed(thresholds)
    try {
      feedSlowMiddle(rec, finish)
      expect(windows).toHaveLength(1)
      const w = windows[0]
      expect({ total: w.total, failed: w.failed }).toEqual(expected)
      expect(failures).toHaveLength(expected.failed)
      if (expected.failed > 0) {
        expect(w.worst).toBeGreaterThan(295)
        expect(w.worst).toBeLessThan(305)
      } else {
        expect(w.worst).toBeNull()
      }
    } finally {
      rec.destroy()
    }
  })

  it('the whole-run p95 can pass while a window fails', () => {
    const { rec, windows, finish } = windowed({ latency: ['p(95)<100 over 2s'] })
    try {
      feedSlowMiddle(rec, finish)
      // 40 of 60 samples are 10 ms: the whole-run p50 is fast, p95 is slow; check p(60).
      expect(trend(rec.snapshot('latency')).percentile(60)).toBeLessThan(20)
      expect(windows[0].failed).toBe(1)
    } finally {
      rec.destroy()
    }
  })

  it('errors over 1s: only the second with errors fails', () => {
    const { rec, windows, finish } = windowed({ errors: ['rate<0.5 over 1s'] })
    try {
      for (let s = 0; s < 3; s++) {
        for (let i = 0; i < 4; i++) {
          const end = s * 1000 + 100 + i * 100
          rec.recordIteration(end - 5, end - 5, end, s === 1, s === 1 ? new Error('x') : undefined)
        }
      }
      finish(3000)
      expect(windows[0]).toMatchObject({ total: 3, failed: 1, worst: 1 })
    } finally {
      rec.destroy()
    }
  })

  it('a trailing window shorter than half is not evaluated, one of at least half is', () => {
    const short = windowed({ iterations: ['count>=5 over 4s'] })
    const half = windowed({ iterations: ['count>=5 over 4s'] })
    try {
      for (const { rec } of [short, half]) for (let i = 0; i < 40; i++) rec.recordIteration(i * 100, i * 100, i * 100 + 1, false, undefined)
      short.finish(5000) // 4 s window + 1 s
      half.finish(6000) // 4 s window + 2 s
      expect(short.windows[0]).toMatchObject({ total: 1, failed: 0 })
      // The last 2 s hold no iteration: count 0 fails.
      expect(half.windows[0]).toMatchObject({ total: 2, failed: 1, worst: 0 })
    } finally {
      short.rec.destroy()
      half.rec.destroy()
    }
  })
  it('a trailing partial second shorter than half a window is not evaluated (multi-second window)', () => {
    const { rec, windows, finish } = windowed({ iterations: ['count>=5 over 2s'] })
    try {
      for (let i = 0; i < 20; i++) rec.recordIteration(i * 100, i * 100, i * 100 + 1, false, undefined)
      finish(2300)
      expect(rec.timeline.map((p) => p.ms)).toEqual([1000, 1000, 300])
      expect(windows[0]).toMatchObject({ total: 1, failed: 0 })
    } finally {
      rec.destroy()
    }
  })

  // A window closes on milliseconds, not on the number of points fed to it.
  it('a trailing 100 ms partial second is not evaluated as a whole 1 s window', () => {
    const { rec, windows, finish } = windowed({ iterations: ['count>=5 over 1s'] })
    try {
      for (let i = 0; i < 20; i++) rec.recordIteration(i * 100, i * 100, i * 100 + 1, false, undefined)
      finish(2100)
      expect(rec.timeline.map((p) => p.ms)).toEqual([1000, 1000, 100])
      expect(windows[0]).toMatchObject({ total: 2, failed: 0 })
    } finally {
      rec.destroy()
    }
  })
})

describe('Recorder.snapshot of built-in metrics', () => {
  it('covers only closed seconds while the run goes on', () => {
    const rec = recorder()
    try {
      rec.recordIteration(0, 0, 100, false, undefined)
      expect(rec.snapshot('iterations')).toMatchObject({ count: 0 })
      rec.rollover(1000)
      expect(rec.snapshot('iterations')).toEqual({ type: 'counter', count: 1, perSecond: 1 })
    } finally {
      rec.destroy()
    }
  })

  it('returns each built-in metric after the run', () => {
    const rec = stalledRun()
    try {
      const elapsedS = 3.75
      expect(rec.snapshot('errors')).toEqual({ type: 'rate', trues: 1, total: 4 })
      expect(rec.snapshot('iterations')).toEqual({ type: 'counter', count: 4, perSecond: 4 / elapsedS })
      expect(rec.snapshot('dropped')).toEqual({ type: 'counter', count: 1, perSecond: 1 / elapsedS })
      // min/max over whole seconds only: 3/s, 0/s, 0/s (the 750 ms point is left out).
      expect(rec.snapshot('throughput')).toEqual({ type: 'gauge', value: 4 / elapsedS, min: 0, max: 3 })

      const latency = trend(rec.snapshot('latency'))
      expect(latency.count).toBe(4)
      expect(latency.min).toBeCloseTo(50, 0)
      expect(latency.max).toBeCloseTo(120, 0)
      expect(latency.mean).toBeCloseTo((50 + 120 + 100 + 100) / 4, 0)
      expect(latency.percentile(50)).toBeCloseTo(100, 0)

      const service = trend(rec.snapshot('service_time'))
      expect(service.count).toBe(4)
      expect(service.min).toBeCloseTo(20, 0)
      expect(service.max).toBeCloseTo(100, 0)
      expect(service.mean).toBeCloseTo((50 + 20 + 100 + 100) / 4, 0)
    } finally {
      rec.destroy()
    }
  })

  it('throughput of a run shorter than a second uses the run value for min and max', () => {
    const rec = recorder()
    try {
      for (let i = 0; i < 5; i++) rec.recordIteration(i * 100, i * 100, i * 100 + 10, false, undefined)
      rec.finish(500)
      expect(rec.snapshot('throughput')).toEqual({ type: 'gauge', value: 10, min: 10, max: 10 })
    } finally {
      rec.destroy()
    }
  })

  it('unknown metrics are undefined; custom ones come from the registry', () => {
    const rec = recorder()
    try {
      expect(rec.snapshot('nope')).toBeUndefined()
      rec.registry.add('counter', 'orders', 3)
      rec.finish(1500)
      expect(rec.snapshot('orders')).toEqual({ type: 'counter', count: 3, perSecond: 2 })
      expect(() => rec.registry.add('counter', 'iterations', 1)).toThrow(PerfError)
    } finally {
      rec.destroy()
    }
  })
})

describe('MetricRegistry series', () => {
  const declared = [{ metric: 'db{table:orders}', name: 'db', tags: { table: 'orders' } }]

  it('a series records what add() records: untagged, exact tags and declared sub-metrics, created by the first sample', () => {
    const viaAdd = new MetricRegistry(declared)
    const viaSeries = new MetricRegistry(declared)
    try {
      const tags = Object.freeze({ table: 'orders', op: 'insert' })
      const series = viaSeries.series('trend', 'db', tags)
      const count = viaSeries.series('counter', 'rows')
      expect(viaSeries.toResult(1000)).toEqual({})
      for (const v of [1.5, 2, 7.25]) {
        viaAdd.add('trend', 'db', v, { table: 'orders', op: 'insert' })
        viaAdd.add('counter', 'rows', 3)
        series.record(v)
        count.record(3)
      }
      // add() with frozen tags goes through the same series.
      viaSeries.add('trend', 'db', 4, tags)
      viaAdd.add('trend', 'db', 4, { op: 'insert', table: 'orders' })
      const result = viaSeries.toResult(1000)
      expect(Object.keys(result)).toEqual(['db', 'db{op:insert,table:orders}', 'db{table:orders}', 'rows'])
      expect(result).toEqual(viaAdd.toResult(1000))
      expect(result['db{table:orders}']).toMatchObject({ type: 'trend', summary: { count: 4 } })
      expect(result.rows).toMatchObject({ type: 'counter', count: 9 })
    } finally {
      viaAdd.destroy()
      viaSeries.destroy()
    }
  })

  it("a scenario's series records into the run's registry first", () => {
    const run = new MetricRegistry()
    const scenario = new MetricRegistry([], run)
    try {
      const ok = scenario.series('rate', 'ok', Object.freeze({ step: 'pay' }))
      ok.record(1)
      ok.record(0)
      for (const r of [run, scenario]) {
        expect(r.toResult(1000)['ok{step:pay}']).toMatchObject({ type: 'rate', trues: 1, total: 2 })
      }
    } finally {
      scenario.destroy()
      run.destroy()
    }
  })

  it('refuses built-in names and a second type, as add() does; samples after destroy() go nowhere', () => {
    const r = new MetricRegistry()
    expect(() => r.series('counter', 'latency')).toThrow(PerfError)
    r.series('counter', 'orders').record(1)
    const clash = r.series('trend', 'orders')
    expect(() => clash.record(5)).toThrow(/first recorded as a counter and now as a trend/)
    expect(() => r.add('trend', 'orders', 5)).toThrow(PerfError)
    expect(r.toResult(1000).orders).toMatchObject({ type: 'counter', count: 1 })
    const kept = r.series('trend', 'size')
    kept.record(1)
    r.destroy()
    expect(() => kept.record(2)).not.toThrow()
    expect(r.toResult(1000)).toEqual({})
  })
})
