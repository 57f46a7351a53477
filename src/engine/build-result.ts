import os from 'node:os'
import type { ResolvedScenario } from '../core/load-config.ts'
import { RESULT_VERSION, type RunResult, type ScenarioResult } from '../core/result.ts'
import { encodeHistogram, summarize, usingWebAssembly } from '../metrics/histogram.ts'
import type { Runtime } from './runtime.ts'

/** What the run's totals and each scenario's summary share: counts, summaries, histograms, timeline. */
function measured(rt: Runtime) {
  const rec = rt.recorder
  const durationMs = rec.elapsedMs
  return {
    durationMs: Math.round(durationMs * 1000) / 1000,
    iterations: rec.iterations,
    failed: rec.failed,
    interrupted: rec.interrupted,
    dropped: rec.dropped,
    ...(rt.queueFull > 0 && 'maxQueue' in rt.config
      ? {
          overload: {
            queueFull: rt.queueFull,
            maxQueue: rt.config.maxQueue,
            note: `${rt.queueFull} arrivals were dropped because ${rt.config.maxQueue} (maxQueue) were already waiting for a free VU; raise maxVUs or maxQueue`,
          },
        }
      : {}),
    throughput: durationMs > 0 ? Math.round((rec.iterations * 1e6) / durationMs) / 1000 : 0,
    vusAllocated: rt.vuCount,
    latency: summarize(rec.latency),
    serviceTime: summarize(rec.serviceTime),
    histograms: { latency: encodeHistogram(rec.latency), serviceTime: encodeHistogram(rec.serviceTime) },
    errors: { count: rec.failed, rate: rec.iterations ? rec.failed / rec.iterations : 0, byKind: rec.errors.toJSON() },
    timeline: rec.timeline,
    metrics: rec.registry.toResult(durationMs),
  }
}

function scenarioResult(rt: Runtime): ScenarioResult {
  // A scenario's runtime runs the scenario's own config.
  const config = rt.config as ResolvedScenario
  return { executor: config.executor, startTime: config.startTime, ...measured(rt) }
}

/**
 * Turns the finished runtime into plain data; extensions add thresholds, resources and faults
 * afterwards. The recorder may be destroyed once the result is decorated.
 */
export function buildResult(rt: Runtime, startedAt: Date): RunResult {
  const name = rt.resultName
  const totals = measured(rt)
  return {
    version: RESULT_VERSION,
    ...(name !== undefined ? { name } : {}),
    state: rt.stopReason ? 'aborted' : 'completed',
    ...(rt.stopReason ? { abort: rt.stopReason } : {}),
    config: rt.config,
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + rt.recorder.elapsedMs).toISOString(),
    ...totals,
    ...(rt.scenarios.size > 0 ? { scenarios: Object.fromEntries([...rt.scenarios].map(([n, child]) => [n, scenarioResult(child)])) } : {}),
    thresholds: [],
    resources: [],
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: os.availableParallelism(),
      histograms: usingWebAssembly() ? 'wasm' : 'js',
    },
  }
}
