import { z } from 'zod'

// results.json as the CLI reads it back: every field the reports write out must have the type
// the reporters expect, since anyone can edit the file. Fields may be missing (older versions,
// files written by hand; normalize.ts fills them) and unknown fields pass, but a present field
// of the wrong type is a problem with its path, never a TypeError or a value written raw.

const num = z.number()
const nonNegative = z.number().min(0)
const text = z.string()
const opt = <T extends z.ZodType>(schema: T) => schema.optional()

const summary = z.looseObject({
  count: opt(nonNegative),
  min: opt(num),
  mean: opt(num),
  p50: opt(num),
  p90: opt(num),
  p95: opt(num),
  p99: opt(num),
  p999: opt(num),
  max: opt(num),
})

const threshold = z.looseObject({
  metric: text,
  expression: text,
  ok: z.boolean(),
  actual: num.nullable(),
  unit: opt(text),
  note: opt(text),
  abortOnFail: opt(z.boolean()),
  window: opt(z.looseObject({ ms: num, failed: nonNegative, total: nonNegative, worst: num.nullable() })),
})

const timelinePoint = z.looseObject({
  t: num,
  ms: nonNegative,
  iterations: nonNegative,
  errors: nonNegative,
  dropped: nonNegative,
  throughput: num,
  p50: num,
  p95: num,
  p99: num,
  vus: nonNegative,
  cpu: opt(num),
  rss: opt(num),
  heapUsed: opt(num),
  eventLoopP99: opt(num),
  faults: opt(z.array(text)),
})

const resourceSample = z.looseObject({
  t: num,
  cpu: num,
  rss: num,
  heapUsed: num,
  heapAfterGc: opt(num),
  heapObjects: opt(num),
  heapObjectsAfterGc: opt(num),
  external: opt(num),
  arrayBuffers: opt(num),
  afterFullGc: opt(z.boolean()),
  eventLoop: z.looseObject({ p50: num, p99: num, max: num, utilization: num }),
  handles: z.record(text, num),
  servers: opt(
    z.record(text, z.looseObject({ pid: opt(num), containerId: opt(text), cpu: opt(num), rss: opt(num), stats: opt(z.record(text, num)) })),
  ),
})

const tags = z.record(text, text)
const customMetric = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('trend'), name: text, tags, summary, histogram: text }),
  z.looseObject({ type: z.literal('counter'), name: text, tags, count: num, rate: num }),
  z.looseObject({ type: z.literal('rate'), name: text, tags, trues: num, total: num, rate: num }),
  z.looseObject({ type: z.literal('gauge'), name: text, tags, value: num, min: num, max: num }),
])

const verdict = z.enum(['PASS', 'IMPROVEMENT', 'REGRESSION', 'INCONCLUSIVE'])
const severity = z.enum(['minor', 'major', 'critical'])
const comparison = z.looseObject({
  verdict,
  severity: opt(severity),
  metrics: z.array(
    z.looseObject({
      // CPU per iteration is judged as cpu.process and cpu.<service>.
      metric: z.union([
        z.enum(['latency.p50', 'latency.p95', 'latency.p99', 'latency.mean', 'throughput', 'errorRate']),
        z.string().regex(/^cpu\./),
      ]),
      scenario: opt(text),
      verdict,
      severity: opt(severity),
      baseline: num,
      current: num,
      change: num,
      interval: z.looseObject({ low: num, high: num }),
      p: num,
      unit: z.enum(['ms', '/s', '%', 'cpu ms']),
      absolute: z.boolean(),
    }),
  ),
  repetitions: z.looseObject({ baseline: nonNegative, current: nonNegative }),
  alpha: num,
  recommendations: z.array(text),
  notes: z.array(text),
  latencyHistogram: opt(text),
})

const repetition = z.looseObject({
  iterations: nonNegative,
  durationMs: nonNegative,
  throughput: num,
  errorRate: num,
  dropped: nonNegative,
  latency: summary,
  serviceTime: summary,
  histograms: z.looseObject({ latency: text, serviceTime: text }),
})

const seconds = z.union([num, text])

const errors = z.looseObject({
  count: opt(nonNegative),
  rate: opt(num),
  byKind: opt(z.record(text, z.looseObject({ count: nonNegative, message: text }))),
})

// One scenario of a run with scenarios: the measured fields of a run, its executor and start.
const scenario = z.looseObject({
  executor: opt(text),
  startTime: opt(nonNegative),
  durationMs: opt(nonNegative),
  iterations: opt(nonNegative),
  failed: opt(nonNegative),
  interrupted: opt(nonNegative),
  dropped: opt(nonNegative),
  throughput: opt(num),
  vusAllocated: opt(nonNegative),
  latency: opt(summary),
  serviceTime: opt(summary),
  histograms: opt(z.looseObject({ latency: opt(text), serviceTime: opt(text) })),
  errors: opt(errors),
  timeline: opt(z.array(timelinePoint)),
  metrics: opt(z.record(text, customMetric)),
})

export const runResultSchema = z.looseObject({
  version: opt(z.literal(1)),
  name: opt(text),
  state: opt(z.enum(['completed', 'aborted', 'interrupted'])),
  abort: opt(z.looseObject({ reason: z.enum(['threshold', 'signal', 'shard-lost']), detail: text })),
  config: opt(z.looseObject({ executor: text })),
  startedAt: opt(text),
  endedAt: opt(text),
  durationMs: opt(nonNegative),
  iterations: opt(nonNegative),
  failed: opt(nonNegative),
  interrupted: opt(nonNegative),
  dropped: opt(nonNegative),
  overload: opt(z.looseObject({ queueFull: nonNegative, maxQueue: nonNegative, note: text })),
  throughput: opt(num),
  vusAllocated: opt(nonNegative),
  latency: opt(summary),
  serviceTime: opt(summary),
  histograms: opt(z.looseObject({ latency: opt(text), serviceTime: opt(text) })),
  errors: opt(errors),
  timeline: opt(z.array(timelinePoint)),
  metrics: opt(z.record(text, customMetric)),
  thresholds: opt(z.array(threshold)),
  resources: opt(z.array(resourceSample)),
  infra: opt(z.array(z.looseObject({ service: text, provider: text, version: text, tuning: text, host: opt(text), port: opt(num) }))),
  repetitions: opt(z.array(repetition)),
  baseline: opt(comparison),
  matrix: opt(z.looseObject({ matrix: text, cell: z.record(text, z.union([text, num])), dimensions: z.array(text) })),
  scenarios: opt(z.record(text, scenario)),
  shards: opt(
    z.array(
      z.looseObject({
        kind: z.enum(['worker', 'driver']),
        id: text,
        iterations: nonNegative,
        failed: nonNegative,
        dropped: nonNegative,
        vusAllocated: nonNegative,
        lost: opt(text),
      }),
    ),
  ),
  faults: opt(z.array(z.looseObject({ name: text, start: seconds, end: seconds, error: opt(text) }))),
  environment: opt(z.looseObject({ node: text, platform: text, arch: text, cpus: num, histograms: text })),
})

export const resultsFileSchema = z.looseObject({
  version: z.literal(1),
  interrupted: opt(z.boolean()),
  signal: opt(text),
  tests: z.array(
    z.looseObject({
      project: opt(text),
      file: opt(text),
      test: opt(text),
      state: opt(z.enum(['passed', 'failed', 'skipped', 'pending', 'interrupted'])),
      results: z.array(runResultSchema),
    }),
  ),
})
