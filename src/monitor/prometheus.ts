import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Gauge, Pushgateway, Registry } from 'prom-client'
import type { ProgressEvent } from '../core/progress-event.ts'
import { decodeHistogram } from '../metrics/histogram.ts'

/** Latency buckets in seconds, as Prometheus histograms are written. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const LABELS = ['test', 'scenario'] as const

/** The metric names we export: the Grafana dashboard's queries are checked against them. */
export const EXPORTED_METRICS = [
  'vitest_perf_iterations_total',
  'vitest_perf_errors_total',
  'vitest_perf_dropped_iterations_total',
  'vitest_perf_latency_seconds',
  'vitest_perf_vus',
  'vitest_perf_process_cpu_percent',
  'vitest_perf_process_rss_bytes',
  'vitest_perf_heap_used_bytes',
  'vitest_perf_event_loop_delay_p99_seconds',
]

/** How many recorded values are ≤ `value` (µs), from an HDR histogram, by bisection on percentiles. */
function countAtOrBelow(h: ReturnType<typeof decodeHistogram>, valueUs: number): number {
  const n = h.totalCount
  if (n === 0) return 0
  if (h.getValueAtPercentile(100) <= valueUs) return n
  let lo = 0
  let hi = 100
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2
    if (h.getValueAtPercentile(mid) <= valueUs) lo = mid
    else hi = mid
  }
  return Math.round((lo / 100) * n)
}

/**
 * A live Prometheus exporter in the Vitest main process, fed by the workers' per-second progress:
 * iterations, errors by kind, dropped, latency as a histogram, VUs and resources, labelled by
 * test and scenario (executor). Optionally pushed to a Pushgateway at the end.
 */
export class PrometheusExporter {
  readonly registry = new Registry()
  private readonly iterations = new Counter({
    name: 'vitest_perf_iterations_total',
    help: 'Iterations finished',
    labelNames: LABELS,
    registers: [this.registry],
  })
  private readonly errors = new Counter({
    name: 'vitest_perf_errors_total',
    help: 'Failed iterations by error kind',
    labelNames: [...LABELS, 'kind'],
    registers: [this.registry],
  })
  private readonly dropped = new Counter({
    name: 'vitest_perf_dropped_iterations_total',
    help: 'Iterations an open model could not start',
    labelNames: LABELS,
    registers: [this.registry],
  })
  private readonly vus = new Gauge({ name: 'vitest_perf_vus', help: 'Busy or looping VUs', labelNames: LABELS, registers: [this.registry] })
  private readonly cpu = new Gauge({
    name: 'vitest_perf_process_cpu_percent',
    help: 'CPU of the load-generating process, % of one core',
    labelNames: LABELS,
    registers: [this.registry],
  })
  private readonly rss = new Gauge({
    name: 'vitest_perf_process_rss_bytes',
    help: 'RSS of the load-generating process',
    labelNames: LABELS,
    registers: [this.registry],
  })
  private readonly heap = new Gauge({
    name: 'vitest_perf_heap_used_bytes',
    help: 'Heap used by the load-generating process',
    labelNames: LABELS,
    registers: [this.registry],
  })
  private readonly loopDelay = new Gauge({
    name: 'vitest_perf_event_loop_delay_p99_seconds',
    help: 'Event-loop delay p99 over the last second',
    labelNames: LABELS,
    registers: [this.registry],
  })
  // Cumulative bucket counts per label set: prom-client's Histogram only takes single observations.
  private readonly latency = new Map<string, { labels: Record<string, string>; buckets: number[]; count: number; sumSeconds: number }>()
  private readonly seenErrors = new Map<string, number>()
  private server: Server | undefined

  record(e: ProgressEvent): void {
    const labels = { test: e.name, scenario: e.executor }
    this.iterations.inc(labels, e.point.iterations)
    this.dropped.inc(labels, e.point.dropped)
    this.vus.set(labels, e.point.vus)
    for (const [kind, count] of Object.entries(e.errorsByKind)) {
      const key = `${e.runId}\u0000${kind}`
      const delta = count - (this.seenErrors.get(key) ?? 0)
      if (delta > 0) this.errors.inc({ ...labels, kind }, delta)
      this.seenErrors.set(key, count)
    }
    if (e.resources) {
      this.cpu.set(labels, e.resources.cpu)
      this.rss.set(labels, e.resources.rss)
      this.heap.set(labels, e.resources.heapUsed)
      this.loopDelay.set(labels, e.resources.eventLoop.p99 / 1000)
    }
    const key = JSON.stringify(labels)
    if (e.latency === undefined) return
    const entry = this.latency.get(key) ?? { labels, buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sumSeconds: 0 }
    const h = decodeHistogram(e.latency)
    try {
      LATENCY_BUCKETS.forEach((b, i) => (entry.buckets[i] += countAtOrBelow(h, b * 1e6)))
      entry.count += h.totalCount
      entry.sumSeconds += (h.mean * h.totalCount) / 1e6
    } finally {
      h.destroy()
    }
    this.latency.set(key, entry)
  }

  async metrics(): Promise<string> {
    const esc = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
    const lines = [
      '# HELP vitest_perf_latency_seconds Iteration latency from the planned start (coordinated-omission corrected)',
      '# TYPE vitest_perf_latency_seconds histogram',
    ]
    for (const { labels, buckets, count, sumSeconds } of this.latency.values()) {
      const l = `test="${esc(labels.test)}",scenario="${esc(labels.scenario)}"`
      LATENCY_BUCKETS.forEach((b, i) => lines.push(`vitest_perf_latency_seconds_bucket{${l},le="${b}"} ${buckets[i]}`))
      lines.push(
        `vitest_perf_latency_seconds_bucket{${l},le="+Inf"} ${count}`,
        `vitest_perf_latency_seconds_sum{${l}} ${sumSeconds}`,
        `vitest_perf_latency_seconds_count{${l}} ${count}`,
      )
    }
    return `${await this.registry.metrics()}\n${lines.join('\n')}\n`
  }

  /** Serves /metrics on loopback (or `host`) at `port` (0: a free one). */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('see /metrics')
        return
      }
      void this.metrics().then((text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text))
    })
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve))
    return (this.server.address() as AddressInfo).port
  }

  async push(url: string, job = 'vitest-perf'): Promise<void> {
    const gateway = new Pushgateway(url, {}, this.registry)
    await gateway.pushAdd({ jobName: job })
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
