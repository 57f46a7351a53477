import { decodeHistogram } from '../metrics/histogram.ts'
import type { RunResult } from '../core/result.ts'
import { resourceSeries, type ResourceGroup, type ResourceSeries } from './resources.ts'

/** A span to shade on the time charts, in seconds since the run's start. */
export interface FaultWindow {
  start: number
  end: number
  label: string
}

export interface ChartSeries {
  label: string
  values: (number | null)[]
  color: string
  /** 2 puts the series on a second y axis on the right. */
  axis?: 1 | 2
}

/** What the page's script needs to draw one chart; all numbers, no functions. */
export interface ChartSpec {
  id: string
  title: string
  kind: 'time' | 'percentile'
  /** Per-second buckets: each value holds until the next x (the last x is the end of the run). */
  stepped?: boolean
  /** Time charts of one run share the x range 0…xMax (seconds), so they line up. */
  xMax?: number
  x: number[]
  series: ChartSeries[]
  /** Unit of each y axis: 'ms', '/s', '%', 'MB' or ''. */
  units: string[]
  faults: FaultWindow[]
}

const MIN_LAST_BUCKET_MS = 250
const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#65a30d', '#dc2626']

/**
 * The fault windows of a run (result.faults: start/end in seconds since the start, name). Entries
 * without a usable start and end (e.g. a fault still active when a hand-made file was cut) are skipped.
 */
export function faultWindows(r: RunResult): FaultWindow[] {
  const raw = (r.faults ?? []).map((f) => ({ start: f.start, end: f.end, label: f.name }))
  const t0 = Date.parse(r.startedAt)
  const seconds = (v: unknown) =>
    typeof v === 'number' ? v : typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? (Date.parse(v) - t0) / 1000 : undefined
  const windows: FaultWindow[] = []
  for (const w of raw) {
    const start = seconds(w?.start)
    const end = seconds(w?.end)
    if (start === undefined || end === undefined || !(end >= start)) continue
    windows.push({ start, end, label: typeof w.label === 'string' ? w.label : 'fault' })
  }
  return windows
}

export function timelineCharts(r: RunResult, id: string, faults: FaultWindow[]): ChartSpec[] {
  // A last bucket of a few ms turns one iteration into a large per-second rate: leave it out.
  const buckets = r.timeline.filter((p, i) => i < r.timeline.length - 1 || i === 0 || p.ms >= MIN_LAST_BUCKET_MS)
  if (buckets.length === 0) return []
  const last = buckets[buckets.length - 1]
  // The bucket's start, then one closing x at the end of the last bucket so steps show its length.
  const x = [...buckets.map((p) => p.t), last.t + last.ms / 1000]
  const close = <T>(values: T[]) => [...values, values[values.length - 1]]
  // A second in which nothing finished has no latency, not a latency of 0.
  const latency = (pick: 'p50' | 'p95' | 'p99') => close(buckets.map((p) => (p.iterations > 0 ? p[pick] : null)))
  const perSecond = (pick: 'errors' | 'dropped') => close(buckets.map((p) => (p.ms > 0 ? (p[pick] * 1000) / p.ms : 0)))
  const common = { kind: 'time' as const, stepped: true, x, faults }
  return [
    {
      id: `${id}-latency`,
      title: 'Latency over time',
      ...common,
      series: [
        { label: 'p50', values: latency('p50'), color: '#2563eb' },
        { label: 'p95', values: latency('p95'), color: '#d97706' },
        { label: 'p99', values: latency('p99'), color: '#dc2626' },
      ],
      units: ['ms'],
    },
    {
      id: `${id}-throughput`,
      title: 'Throughput and errors',
      ...common,
      series: [
        { label: 'iterations/s', values: close(buckets.map((p) => p.throughput)), color: '#059669' },
        { label: 'errors/s', values: perSecond('errors'), color: '#dc2626' },
      ],
      units: ['/s'],
    },
    {
      id: `${id}-vus`,
      title: 'VUs and dropped iterations',
      ...common,
      series: [
        { label: 'VUs', values: close(buckets.map((p) => p.vus)), color: '#7c3aed' },
        { label: 'dropped/s', values: perSecond('dropped'), color: '#ea580c', axis: 2 },
      ],
      units: ['', '/s'],
    },
  ]
}

/** Percentile points x = 1 / (1 − q), 20 per decade, up to what the sample count resolves. */
export function percentileGrid(count: number): number[] {
  // A count of Infinity (a hand-edited file) would never end the grid.
  if (!Number.isFinite(count)) return []
  const xs: number[] = []
  for (let k = 0; ; k++) {
    const x = 10 ** (k / 20)
    if (x > count) break
    xs.push(x)
  }
  if (count > 1 && xs[xs.length - 1] < count) xs.push(count)
  return xs
}

/** The latency distribution as a percentile plot, decoded from the HDR histograms at report time. */
export function distributionChart(r: RunResult, id: string): ChartSpec | undefined {
  // Files written by hand or by older versions may lack the histograms: no distribution then.
  if (r.latency.count === 0 || !r.histograms.latency || !r.histograms.serviceTime) return undefined
  const x = percentileGrid(r.latency.count)
  const curve = (encoded: string) => {
    const h = decodeHistogram(encoded)
    try {
      return x.map((v, i) => (i === x.length - 1 && x.length > 1 ? h.maxValue : h.getValueAtPercentile(100 * (1 - 1 / v))) / 1000)
    } finally {
      h.destroy()
    }
  }
  return {
    id: `${id}-distribution`,
    title: 'Latency distribution by percentile',
    kind: 'percentile',
    x,
    series: [
      { label: 'latency', values: curve(r.histograms.latency), color: '#2563eb' },
      { label: 'service time', values: curve(r.histograms.serviceTime), color: '#0891b2' },
      // The committed baseline's latency, when toMatchBaseline() compared this run with one.
      ...(r.baseline?.latencyHistogram
        ? [{ label: 'baseline latency', values: curve(r.baseline.latencyHistogram), color: '#9ca3af' }]
        : []),
    ],
    units: ['ms'],
    faults: [],
  }
}

const RESOURCE_CHARTS: [ResourceGroup, string][] = [
  ['memory', 'Memory'],
  ['cpu', 'CPU (% of one core)'],
  ['eventLoop', 'Event loop'],
  ['handles', 'Active handles'],
  ['servers', 'Server statistics'],
  ['other', 'Other resources'],
]

/** One chart per group of resource series, aligned on the union of sample times. */
export function resourceCharts(r: RunResult, id: string, faults: FaultWindow[]): ChartSpec[] {
  const all = resourceSeries(r.resources)
  const charts: ChartSpec[] = []
  for (const [group, title] of RESOURCE_CHARTS) {
    const series = all.filter((s) => s.group === group)
    if (series.length === 0) continue
    const x = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b)
    const align = (s: ResourceSeries) => {
      const byT = new Map(s.points)
      return x.map((t) => byT.get(t) ?? null)
    }
    const right = series.find((s) => s.axis === 2)
    charts.push({
      id: `${id}-resources-${group.toLowerCase()}`,
      title,
      kind: 'time',
      x,
      series: series.map((s, i) => ({
        label: s.label,
        values: align(s),
        color: PALETTE[i % PALETTE.length],
        ...(s.axis ? { axis: s.axis } : {}),
      })),
      units: right ? [series.find((s) => s.axis !== 2)?.unit ?? '', right.unit] : [series[0].unit],
      faults,
    })
  }
  return charts
}

/**
 * Runs with scenarios: each scenario's iterations per second on the run's seconds, so a later
 * startTime shows where its line begins.
 */
export function scenarioChart(r: RunResult, id: string, faults: FaultWindow[]): ChartSpec | undefined {
  const scenarios = Object.entries(r.scenarios ?? {})
  // The run's seconds as the other time charts take them (a last bucket of a few ms left out).
  const buckets = r.timeline.filter((p, i) => i < r.timeline.length - 1 || i === 0 || p.ms >= MIN_LAST_BUCKET_MS)
  if (scenarios.length === 0 || buckets.length === 0) return undefined
  const x = buckets.map((p) => p.t)
  const last = buckets[buckets.length - 1]
  return {
    id: `${id}-scenarios`,
    title: 'Throughput by scenario',
    kind: 'time',
    stepped: true,
    x: [...x, last.t + last.ms / 1000],
    series: scenarios.map(([name, s], i) => {
      const byT = new Map(s.timeline.map((p) => [p.t, p.throughput]))
      // A second the scenario was not running has no value: its line starts at its startTime.
      const values = x.map((t) => byT.get(t) ?? null)
      return { label: name, values: [...values, values[values.length - 1]], color: PALETTE[i % PALETTE.length] }
    }),
    units: ['/s'],
    faults,
  }
}

export function chartsFor(r: RunResult, id: string): ChartSpec[] {
  const faults = faultWindows(r)
  const distribution = distributionChart(r, id)
  const scenarios = scenarioChart(r, id, faults)
  const timeline = [...timelineCharts(r, id, faults), ...(scenarios ? [scenarios] : [])]
  const resources = resourceCharts(r, id, faults)
  const xMax = Math.max(r.durationMs / 1000, ...[...timeline, ...resources].map((c) => c.x[c.x.length - 1] ?? 0))
  for (const chart of [...timeline, ...resources]) chart.xMax = xMax
  return [...timeline, ...(distribution ? [distribution] : []), ...resources]
}
