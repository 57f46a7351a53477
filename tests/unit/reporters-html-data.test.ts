import { describe, expect, it } from 'vitest'
import { createHistogram, encodeHistogram } from '../../src/metrics/histogram.ts'
import type { RunResult, TimelinePoint } from '../../src/core/result.ts'
import type { ResourceSample } from '../../src/core/resource-sample.ts'
import {
  chartsFor,
  distributionChart,
  faultWindows,
  percentileGrid,
  resourceCharts,
  timelineCharts,
} from '../../src/reporters/html-data.ts'
import { peakMemoryMb, resourceSeries } from '../../src/reporters/resources.ts'

const START = '2026-01-01T00:00:00.000Z'
const MB = 1024 * 1024

function encoded(valuesUs: number[]): string {
  const h = createHistogram()
  try {
    for (const v of valuesUs) h.recordValue(v)
    return encodeHistogram(h)
  } finally {
    h.destroy()
  }
}

function sample(t: number, extra: Partial<ResourceSample> = {}): ResourceSample {
  return {
    t,
    cpu: 10,
    rss: 100 * MB,
    heapUsed: 50 * MB,
    eventLoop: { p50: 1, p99: 2, max: 3, utilization: 0.25 },
    handles: { Timeout: 2 },
    ...extra,
  }
}

function point(t: number, extra: Partial<TimelinePoint> = {}): TimelinePoint {
  return { t, ms: 1000, iterations: 10, errors: 1, dropped: 2, throughput: 10, p50: 5, p95: 9, p99: 12, vus: 3, ...extra }
}

function result(overrides: Partial<RunResult> = {}): RunResult {
  const latency = { count: 4, min: 1, mean: 2.5, p50: 2, p90: 4, p95: 4, p99: 4, p999: 4, max: 4 }
  return {
    version: 1,
    state: 'completed',
    config: { executor: 'constant-vus' } as RunResult['config'],
    startedAt: START,
    endedAt: START,
    durationMs: 2000,
    iterations: 4,
    failed: 0,
    interrupted: 0,
    dropped: 0,
    throughput: 2,
    vusAllocated: 1,
    latency,
    serviceTime: latency,
    histograms: { latency: encoded([1000, 2000, 3000, 4000]), serviceTime: encoded([900, 1900, 2900, 3900]) },
    errors: { count: 0, rate: 0, byKind: {} },
    timeline: [point(0), point(1)],
    metrics: {},
    thresholds: [],
    resources: [],
    environment: { node: 'v24', platform: 'linux', arch: 'x64', cpus: 2, histograms: 'js' },
    ...overrides,
  }
}

describe('timeline charts', () => {
  it('draws per-second steps: one closing x at the end of the last bucket, rates per second', () => {
    const r = result({ timeline: [point(0), point(1, { ms: 500, errors: 2, dropped: 1 })] })
    const [latency, throughput, vus] = timelineCharts(r, 'run-1', [])
    expect(latency.x).toEqual([0, 1, 1.5])
    expect(latency.stepped).toBe(true)
    expect(latency.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99'])
    expect(throughput.series[1]).toMatchObject({ label: 'errors/s', values: [1, 4, 4] })
    expect(vus.series[1]).toMatchObject({ label: 'dropped/s', values: [2, 2, 2], axis: 2 })
    expect(vus.units).toEqual(['', '/s'])
  })

  it('shows no latency for a second in which nothing finished, rather than 0', () => {
    const [latency] = timelineCharts(result({ timeline: [point(0), point(1, { iterations: 0, p50: 0 }), point(2)] }), 'r', [])
    expect(latency.series[0].values).toEqual([5, null, 5, 5])
  })

  it.each([
    [100, [0, 1, 2]],
    [249, [0, 1, 2]],
    [250, [0, 1, 2, 2.25]],
  ])('leaves out a last bucket of %d ms (its rate is noise)', (ms, x) => {
    const [latency] = timelineCharts(result({ timeline: [point(0), point(1), point(2, { ms })] }), 'r', [])
    expect(latency.x).toEqual(x)
  })

  it('draws nothing for an empty timeline, and a lone short bucket all the same', () => {
    expect(timelineCharts(result({ timeline: [] }), 'r', [])).toEqual([])
    expect(timelineCharts(result({ timeline: [point(0, { ms: 40 })] }), 'r', [])[0].x).toEqual([0, 0.04])
  })
})

describe('the latency distribution', () => {
  it.each([
    [1, [1]],
    [
      10,
      [
        1,
        10 ** 0.05,
        10 ** 0.1,
        10 ** 0.15,
        10 ** 0.2,
        10 ** 0.25,
        10 ** 0.3,
        10 ** 0.35,
        10 ** 0.4,
        10 ** 0.45,
        10 ** 0.5,
        10 ** 0.55,
        10 ** 0.6,
        10 ** 0.65,
        10 ** 0.7,
        10 ** 0.75,
        10 ** 0.8,
        10 ** 0.85,
        10 ** 0.9,
        10 ** 0.95,
        10,
      ],
    ],
  ])('has 20 points per decade up to the sample count (%d)', (count, xs) => {
    const grid = percentileGrid(count)
    expect(grid).toHaveLength(xs.length)
    grid.forEach((x, i) => expect(x).toBeCloseTo(xs[i], 9))
  })

  it('ends at the sample count with the maximum, for any count', () => {
    const grid = percentileGrid(1234)
    expect(grid.at(-1)).toBe(1234)
    expect(grid.at(-2)).toBeLessThan(1234)
    expect(grid.every((x, i) => i === 0 || x > grid[i - 1])).toBe(true)
  })

  it('decodes the HDR histograms into percentile points in ms, latency and service time', () => {
    const chart = distributionChart(result(), 'run-1')!
    expect(chart.kind).toBe('percentile')
    expect(chart.x[0]).toBe(1)
    expect(chart.x.at(-1)).toBe(4)
    const [latency, service] = chart.series
    expect(latency.values[0]).toBeCloseTo(1, 2)
    expect(latency.values.at(-1)).toBeCloseTo(4, 2)
    expect(service.values.at(-1)).toBeCloseTo(3.9, 2)
    expect(latency.values.every((v, i) => i === 0 || v! >= latency.values[i - 1]!)).toBe(true)
    expect(chart.series).toHaveLength(2)
  })

  it('overlays the baseline latency when the run was compared with one', () => {
    const r = result()
    const withBaseline = {
      ...r,
      baseline: {
        verdict: 'PASS',
        metrics: [],
        repetitions: { baseline: 5, current: 5 },
        alpha: 0.01,
        recommendations: [],
        notes: [],
        latencyHistogram: r.histograms.serviceTime,
      },
    } as RunResult
    const chart = distributionChart(withBaseline, 'run-1')!
    expect(chart.series.map((s) => s.label)).toEqual(['latency', 'service time', 'baseline latency'])
    expect(chart.series[2].values.at(-1)).toBeCloseTo(3.9, 2)
  })

  it('is left out without samples or without histograms', () => {
    expect(distributionChart(result({ latency: { ...result().latency, count: 0 } }), 'r')).toBeUndefined()
    expect(distributionChart(result({ histograms: { latency: '', serviceTime: '' } }), 'r')).toBeUndefined()
  })
})

const impact = (name: string, start: number, end: number) => ({
  name,
  start,
  end,
  iterations: 0,
  errors: 0,
  before: { errorRate: 0, p95: 1 },
  recoveryMs: 0,
})

describe('fault windows (result.faults)', () => {
  it.each([
    [undefined, []],
    [[impact('db down', 1, 2.5)], [{ start: 1, end: 2.5, label: 'db down' }]],
    [[impact('backwards', 3, 2), impact('unfinished', 1, NaN), impact('blip', 0, 0)], [{ start: 0, end: 0, label: 'blip' }]],
  ])('reads %j as %j', (faults, expected) => {
    expect(faultWindows({ ...result(), faults } as RunResult)).toEqual(expected)
  })

  it('are shaded on the time charts only, never on the percentile plot', () => {
    const windows = [{ start: 0.5, end: 1, label: 'proxy latency' }]
    const charts = chartsFor(
      { ...result({ resources: [sample(0)] }), faults: windows.map((w) => impact(w.label, w.start, w.end)) } as RunResult,
      'run-1',
    )
    expect(charts.map((c) => [c.id, c.faults.length])).toEqual([
      ['run-1-latency', 1],
      ['run-1-throughput', 1],
      ['run-1-vus', 1],
      ['run-1-distribution', 0],
      ['run-1-resources-memory', 1],
      ['run-1-resources-cpu', 1],
      ['run-1-resources-eventloop', 1],
      ['run-1-resources-handles', 1],
    ])
  })
})

describe('resource samples', () => {
  it('shows the heap objects the leak check judges, external memory and ArrayBuffers beside the heap', () => {
    const series = resourceSeries([
      sample(0, { heapObjects: 30 * MB, heapObjectsAfterGc: 28 * MB, external: 4 * MB, arrayBuffers: 1 * MB }),
      sample(1, { heapObjects: 32 * MB, heapObjectsAfterGc: 29 * MB, external: 6 * MB, arrayBuffers: 3 * MB, afterFullGc: true }),
    ])
    expect(series.filter((s) => s.group === 'memory').map((s) => [s.label, s.points])).toEqual([
      [
        'rss',
        [
          [0, 100],
          [1, 100],
        ],
      ],
      [
        'heap used',
        [
          [0, 50],
          [1, 50],
        ],
      ],
      [
        'heap objects',
        [
          [0, 30],
          [1, 32],
        ],
      ],
      [
        'heap objects after GC',
        [
          [0, 28],
          [1, 29],
        ],
      ],
      [
        'external',
        [
          [0, 4],
          [1, 6],
        ],
      ],
      [
        'array buffers',
        [
          [0, 1],
          [1, 3],
        ],
      ],
    ])
    expect(series.some((s) => s.group === 'other')).toBe(false)
  })

  it('reads the monitor samples: memory in MB, CPU, event loop, handles and watched servers', () => {
    const series = resourceSeries([
      sample(0, { heapAfterGc: 40 * MB }),
      sample(1, {
        rss: 120 * MB,
        cpu: 30,
        handles: { Timeout: 1, TCPSocketWrap: 4 },
        servers: { postgres: { pid: 7, cpu: 55, rss: 64 * MB, stats: { connections: 9 } }, redis: { stats: { used_memory: 2 * MB } } },
      }),
    ])
    const by = (label: string) => series.find((s) => s.label === label)
    expect(series.map((s) => [s.group, s.label])).toEqual([
      ['memory', 'rss'],
      ['memory', 'heap used'],
      ['memory', 'heap after GC'],
      ['cpu', 'test process'],
      ['eventLoop', 'delay p50'],
      ['eventLoop', 'delay p99'],
      ['eventLoop', 'delay max'],
      ['eventLoop', 'utilization'],
      ['handles', 'Timeout'],
      ['handles', 'TCPSocketWrap'],
      ['cpu', 'postgres'],
      ['memory', 'postgres rss'],
      ['servers', 'postgres connections'],
      ['memory', 'redis used_memory'],
    ])
    expect(by('rss')).toEqual({
      label: 'rss',
      group: 'memory',
      unit: 'MB',
      points: [
        [0, 100],
        [1, 120],
      ],
    })
    expect(by('utilization')).toEqual({
      label: 'utilization',
      group: 'eventLoop',
      unit: '%',
      axis: 2,
      points: [
        [0, 25],
        [1, 25],
      ],
    })
    expect(by('redis used_memory')?.points).toEqual([[1, 2]])
    expect(by('postgres connections')?.points).toEqual([[1, 9]])
  })

  it('skips what is missing and keeps unknown numeric fields under other', () => {
    const series = resourceSeries([{ t: 0, rss: MB, fds: 12 }, 'not a sample', { cpu: 5 }])
    expect(series).toEqual([
      { label: 'rss', group: 'memory', unit: 'MB', points: [[0, 1]] },
      { label: 'fds', group: 'other', unit: '', points: [[0, 12]] },
      { label: 'test process', group: 'cpu', unit: '%', points: [[2, 5]] },
    ])
  })

  it.each([
    [[], undefined],
    [[{ t: 0, cpu: 5 }], undefined],
    [[{ rss: 300 * MB, heapUsed: 900 * MB }, { rss: 400 * MB }], 400],
    [[{ heapUsed: 90 * MB }, { heapUsed: 80 * MB }], 90],
  ])('peak memory of %j is %s MB', (resources, peak) => {
    expect(peakMemoryMb(resources)).toBe(peak)
  })

  it('charts each group apart, aligned on the union of sample times, utilization on the right axis', () => {
    const charts = resourceCharts(
      result({ resources: [sample(0), sample(0.5, { handles: { TCPSocketWrap: 1 } }), sample(1, { handles: { Timeout: 3 } })] }),
      'r',
      [],
    )
    expect(charts.map((c) => [c.id, c.title, c.units])).toEqual([
      ['r-resources-memory', 'Memory', ['MB']],
      ['r-resources-cpu', 'CPU (% of one core)', ['%']],
      ['r-resources-eventloop', 'Event loop', ['ms', '%']],
      ['r-resources-handles', 'Active handles', ['']],
    ])
    expect(charts[0].x).toEqual([0, 0.5, 1])
    expect(charts[2].series.map((s) => s.axis)).toEqual([undefined, undefined, undefined, 2])
    expect(charts[3].series[0].values).toEqual([2, null, 3])
    expect(resourceCharts(result(), 'r', [])).toEqual([])
  })
})
