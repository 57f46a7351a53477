import type { Clock } from '../core/clock.ts'
import type { MetricRegistry, Tags } from '../metrics/registry.ts'

/** What a workflow gets on every iteration. One object per VU, updated in place. */
export interface IterationContext {
  /** VU id, from 1. */
  readonly vu: number
  /** Iteration number of this run (of this scenario, in a run with scenarios), from 0, in start order. */
  readonly iteration: number
  /** Iteration number within this VU, from 0. */
  readonly vuIteration: number
  /** Aborted when gracefulStop runs out: pass it to clients that accept a signal. */
  readonly signal: AbortSignal
  /** In a run with scenarios, the name of the scenario this VU belongs to; otherwise undefined. */
  readonly scenario: string | undefined
  /** Times `fn` as the sub-metric `latency{step:<step>}` (also when it throws). */
  time<T>(step: string, fn: () => T | Promise<T>, tags?: Tags): Promise<T>
  counter(name: string, value?: number, tags?: Tags): void
  /** Records a boolean: thresholds see the share of true values (`rate>0.95`). */
  rate(name: string, ok: boolean, tags?: Tags): void
  /** Records a duration or size in milliseconds-like units into an HDR histogram. */
  trend(name: string, value: number, tags?: Tags): void
  gauge(name: string, value: number, tags?: Tags): void
}

export type Workflow = (ctx: IterationContext) => unknown

/**
 * Internal, not exported by the package: the metric registry behind an engine's context, so a
 * client recording several metrics per call (the HTTP client) resolves their series once per
 * run. Contexts without it (a user's own IterationContext) get the ctx.counter()/… calls.
 */
export const CONTEXT_METRICS = Symbol('vitest-perf.context-metrics')

export class VuContext implements IterationContext {
  iteration = 0
  vuIteration = 0
  readonly vu: number
  readonly signal: AbortSignal
  readonly scenario: string | undefined
  readonly [CONTEXT_METRICS]: MetricRegistry
  private readonly registry: MetricRegistry
  private readonly clock: Clock

  constructor(vu: number, signal: AbortSignal, registry: MetricRegistry, clock: Clock, scenario?: string) {
    this.vu = vu
    this.signal = signal
    this.registry = registry
    this[CONTEXT_METRICS] = registry
    this.clock = clock
    this.scenario = scenario
  }

  async time<T>(step: string, fn: () => T | Promise<T>, tags?: Tags): Promise<T> {
    const start = this.clock.now()
    try {
      return await fn()
    } finally {
      this.registry.addStep(step, this.clock.now() - start, tags)
    }
  }

  counter(name: string, value = 1, tags?: Tags): void {
    this.registry.add('counter', name, value, tags)
  }

  rate(name: string, ok: boolean, tags?: Tags): void {
    this.registry.add('rate', name, ok ? 1 : 0, tags)
  }

  trend(name: string, value: number, tags?: Tags): void {
    this.registry.add('trend', name, value, tags)
  }

  gauge(name: string, value: number, tags?: Tags): void {
    this.registry.add('gauge', name, value, tags)
  }
}
