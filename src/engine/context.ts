import type { MetricRegistry, Tags } from '../metrics/registry.ts'

/** What a workflow gets on every iteration. One object per VU, updated in place. */
export interface IterationContext {
  /** VU id, from 1. */
  readonly vu: number
  /** Global iteration number of this run, from 0. */
  readonly iteration: number
  /** Iteration number within this VU, from 0. */
  readonly vuIteration: number
  /** Aborted when gracefulStop runs out: pass it to clients that accept a signal. */
  readonly signal: AbortSignal
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

export class VuContext implements IterationContext {
  iteration = 0
  vuIteration = 0
  readonly vu: number
  readonly signal: AbortSignal
  private readonly registry: MetricRegistry

  constructor(vu: number, signal: AbortSignal, registry: MetricRegistry) {
    this.vu = vu
    this.signal = signal
    this.registry = registry
  }

  async time<T>(step: string, fn: () => T | Promise<T>, tags?: Tags): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      this.registry.addStep(step, performance.now() - start, tags)
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
