import { compileThresholds } from '../../thresholds/define.ts'
import { encodeHistogram, initHistograms } from '../../metrics/histogram.ts'
import { sleep } from '../clock.ts'
import { loadWorkflow } from '../load-module.ts'
import { runResolved } from '../run-load.ts'
import type { Runtime } from '../runtime.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from './protocol.ts'
import type { Workflow } from '../context.ts'

/**
 * Runs one shard of a sharded run, in a worker thread or a driver process: imports the load
 * module, says ready, waits for the common start, runs its part and sends every closed second.
 */
export class ShardRunner {
  private readonly spec: ShardSpec
  private readonly send: (m: ShardMessage) => void
  private workflow: Workflow | undefined
  private rt: Runtime | undefined
  private readonly controller = new AbortController()

  constructor(spec: ShardSpec, send: (m: ShardMessage) => void) {
    this.spec = spec
    this.send = send
  }

  /** Imports the module; sends 'ready' or 'failed' (then resolves false). */
  async prepare(id: string): Promise<boolean> {
    try {
      await initHistograms()
      this.workflow = await loadWorkflow(this.spec.module)
      this.send({ type: 'ready', shard: this.spec.shard, id })
      return true
    } catch (e) {
      this.send({ type: 'failed', shard: this.spec.shard, message: (e as Error)?.message ?? String(e) })
      return false
    }
  }

  command(c: ShardCommand): void {
    if (c.type === 'stop') this.controller.abort(c.reason)
    else if (c.type === 'rebalance') this.rt?.rebalance({ factor: c.factor, vus: c.vus })
  }

  /** Waits for `at` (epoch ms), runs, sends 'done' (or 'failed'). */
  async run(at: number): Promise<void> {
    const { spec, send } = this
    const workflow = this.workflow
    if (!workflow) throw new Error('ShardRunner.run() before prepare()')
    try {
      await sleep(Math.max(0, at - Date.now()), this.controller.signal)
      // Shards only measure: thresholds are evaluated (and abort) on the merged result.
      const defs = compileThresholds(spec.thresholds ?? {}, 'thresholds').defs.map((d) => ({ ...d, abortOnFail: false }))
      const result = await runResolved(spec.config, defs, workflow, {
        signal: this.controller.signal,
        monitor: false,
        attach: false,
        onRuntime: (rt) => this.watch(rt),
      })
      send({ type: 'done', shard: spec.shard, interrupted: result.interrupted, vusAllocated: result.vusAllocated, state: result.state, ...(result.abort ? { abort: result.abort } : {}) })
    } catch (e) {
      send({ type: 'failed', shard: spec.shard, message: (e as Error)?.message ?? String(e) })
    }
  }

  private watch(rt: Runtime): void {
    this.rt = rt
    const shard = this.spec.shard
    rt.recorder.onPoint = (point, latency, serviceTime) => {
      this.send({
        type: 'second',
        shard,
        t: point.t,
        ms: point.ms,
        iterations: point.iterations,
        errors: point.errors,
        dropped: point.dropped,
        vus: point.vus,
        vusAllocated: rt.vuCount,
        latency: encodeHistogram(latency),
        serviceTime: encodeHistogram(serviceTime),
        errorsByKind: rt.recorder.errors.toJSON(),
        metrics: rt.recorder.registry.toResult(point.t * 1000 + point.ms),
      })
    }
  }
}
