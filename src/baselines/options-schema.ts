import { z } from 'zod'
import { duration } from '../config/schemas.ts'
import { show } from '../config/zod-problems.ts'
import type { MetricName } from '../core/result.ts'

const METRICS = [
  'latency.p50',
  'latency.p95',
  'latency.p99',
  'latency.mean',
  'throughput',
  'errorRate',
] as const satisfies readonly MetricName[]

/** A built-in metric, or `cpu.process` / `cpu.<service>` (CPU ms per iteration). */
const metricName = z.string().refine((name) => (METRICS as readonly string[]).includes(name) || /^cpu\..+/.test(name), {
  error: (issue) =>
    `must be one of ${METRICS.map((m) => JSON.stringify(m)).join(', ')}, "cpu.process" or "cpu.<service>", got ${show(issue.input)}`,
})

const level = z.number().min(0)
const severity = z.strictObject({
  floor: level.optional().describe('Below this change a metric passes whatever the test says: run-to-run noise.'),
  minor: level.optional().describe('A significant change from here on is minor.'),
  major: level.optional().describe('A significant change from here on is major.'),
  critical: level.optional().describe('A significant change from here on is critical.'),
})

/** What toMatchBaseline() and runAB() both take: how two sets of repetitions are judged. */
const compareShape = {
  alpha: z.number().gt(0).lt(1).default(0.01).describe('Significance level of the rank test.'),
  severity: severity
    .optional()
    .describe(
      'Relative changes (absolute for `errorRate`) at which a significant change is minor, major or critical; merged with the defaults.',
    ),
  metrics: z
    .partialRecord(metricName, severity)
    .optional()
    .describe("Per-metric severity overrides, e.g. `{ 'latency.p99': { minor: 0.1 } }` or `{ 'cpu.postgres': { floor: 0.1 } }`."),
  only: z
    .array(metricName)
    .min(1)
    .optional()
    .describe(
      'Metrics to judge; latency p50/p95/p99, error rate, throughput for closed models and the CPU per iteration both sides measured when missing.',
    ),
  latencyScale: z
    .number()
    .positive()
    .optional()
    .describe('Divide latencies (and multiply throughput) by this factor before comparing (environment normalisation).'),
  targetChange: z
    .number()
    .gt(0)
    .optional()
    .describe('The change the power notes plan for: repetitions needed to detect it (0.1 = 10 %; 1 pp for `errorRate`).'),
}

/** The options of `expectPerformance(result).toMatchBaseline(options)`. */
export const baselineOptionsSchema = z.strictObject({
  ...compareShape,
  environment: z
    .enum(['refuse', 'warn', 'normalize'])
    .default('warn')
    .describe('When the environment differs from the baseline’s: refuse, warn, or scale latencies by the calibration scores.'),
  maxReruns: z.number().int().min(0).max(20).default(2).describe('Extra rounds of repetitions measured while the verdict is INCONCLUSIVE.'),
  maxRerunTime: duration
    .default(60_000)
    .describe('Time all reruns together may take; a round that would not fit (from the repetitions’ durations) is not started.'),
  failOnInconclusive: z
    .boolean()
    .default(false)
    .describe('Fail the test when still INCONCLUSIVE after the reruns (otherwise reported, not failed).'),
  key: z.string().min(1).optional().describe('Entry name inside the test file’s baseline file; the full test name when missing.'),
})

const abRepeat = {
  error: (issue: { input?: unknown }) => `must be a whole number from 2 to 100 for an A/B comparison, got ${show(issue.input)}`,
}

/** The options of runAB(config, workflows, options). */
export const abOptionsSchema = z.strictObject({
  ...compareShape,
  signal: z.instanceof(AbortSignal).meta({ typeName: 'AbortSignal' }).optional().describe('Stops the comparison early.'),
  repeat: z
    .number(abRepeat)
    .int(abRepeat)
    .min(2, abRepeat)
    .max(100, abRepeat)
    .default(5)
    .describe('Repetitions of each workflow, run alternately: reference, candidate, reference, …'),
})
