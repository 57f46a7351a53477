import { CONTEXT_METRICS, type IterationContext } from '../engine/context.ts'
import type { MetricRegistry, MetricSeries, Tags } from '../metrics/registry.ts'

/**
 * The series one compiled request records a response into, resolved once per run (registry):
 * recording is then a few field updates, not five registry look-ups per request.
 */
export class ResponseSeries {
  readonly registry: MetricRegistry
  readonly duration: MetricSeries
  readonly reqs: MetricSeries
  readonly failed: MetricSeries
  readonly reqSize: MetricSeries
  readonly resSize: MetricSeries

  constructor(registry: MetricRegistry, tags: Tags) {
    // Created in the order ctx.trend/counter/rate would record them, so result.metrics keeps its key order.
    this.registry = registry
    this.duration = registry.series('trend', 'http_req_duration', tags)
    this.reqs = registry.series('counter', 'http_reqs')
    this.failed = registry.series('rate', 'http_req_failed')
    this.reqSize = registry.series('counter', 'http_req_size')
    this.resSize = registry.series('counter', 'http_res_size')
  }
}

/** Where a request records: its tags and its series of the last run it was sent in. */
export interface SeriesHolder {
  readonly tags: Tags
  series: ResponseSeries | undefined
}

type EngineContext = IterationContext & { readonly [CONTEXT_METRICS]?: MetricRegistry }

/** The series for `ctx`'s run, or undefined for a context that is not the engine's (record through its methods). */
function seriesOf(ctx: EngineContext, holder: SeriesHolder): ResponseSeries | undefined {
  const registry = ctx[CONTEXT_METRICS]
  if (registry === undefined) return undefined
  let s = holder.series
  if (s === undefined || s.registry !== registry) holder.series = s = new ResponseSeries(registry, holder.tags)
  return s
}

/** http_req_duration{endpoint…}, http_reqs, http_req_failed, http_req_size, http_res_size of one response. */
export function recordResponse(
  ctx: IterationContext,
  holder: SeriesHolder,
  duration: number,
  status: number,
  reqSize: number,
  resSize: number,
): void {
  const s = seriesOf(ctx, holder)
  if (s === undefined) {
    ctx.trend('http_req_duration', duration, holder.tags)
    ctx.counter('http_reqs')
    ctx.rate('http_req_failed', status >= 400)
    ctx.counter('http_req_size', reqSize)
    ctx.counter('http_res_size', resSize)
    return
  }
  s.duration.record(duration)
  s.reqs.record(1)
  s.failed.record(status >= 400 ? 1 : 0)
  s.reqSize.record(reqSize)
  s.resSize.record(resSize)
}

/** http_reqs, http_req_failed and http_req_errors{endpoint,kind} of a request that got no response. */
export function recordFailure(ctx: IterationContext, holder: SeriesHolder, endpoint: string, kind: string): void {
  const s = seriesOf(ctx, holder)
  if (s === undefined) {
    ctx.counter('http_reqs')
    ctx.rate('http_req_failed', true)
  } else {
    s.reqs.record(1)
    s.failed.record(1)
  }
  ctx.counter('http_req_errors', 1, { kind, endpoint })
}
