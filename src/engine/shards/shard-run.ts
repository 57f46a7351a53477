import { encodeHistogram, initHistograms } from '../../metrics/histogram.ts'
import { sleep } from '../../core/clock.ts'
import { loadWorkflow } from '../load-module.ts'
import { runOnce } from '../run-once.ts'
import type { RunContext, RunExtension } from '../extension.ts'
import type { ShardCommand, ShardMessage, ShardPart, ShardSpec } from './protocol.ts'
import type { ScenarioSecond } from '../../metrics/recorder.ts'
import type { Workflow } from '../context.ts'

/**
 * Runs one shard of a sharded run, in a worker thread or a driver process: imports the load
 * module, says ready, waits for the common start, runs its part and sends every closed second.
 */
export class ShardRunner {
  private readonly spec: ShardSpec
  private readonly send: (m: ShardMessage) => void
  private workflow: Workflow | undefined
  private workflows: Record<string, Workflow> | undefined
  private context: RunContext | undefined
  private readonly controller = new AbortController()

  constructor(spec: ShardSpec, send: (m: ShardMessage) => void) {
    this.spec = spec
    this.send = send
  }

  /** Imports the module; sends 'ready' or 'failed' (then resolves false). */
  async prepare(id: string): Promise<boolean> {
    try {
      await initHistograms()
      const { module, modules } = this.spec
      if (module) this.workflow = await loadWorkflow(module)
      else {
        this.workflows = {}
        for (const [name, ref] of Object.entries(modules)) this.workflows[name] = await loadWorkflow(ref)
      }
      this.send({ type: 'ready', shard: this.spec.shard, id })
      return true
    } catch (e) {
      this.send({ type: 'failed', shard: this.spec.shard, message: (e as Error)?.message ?? String(e) })
      return false
    }
  }

  command(c: ShardCommand): void {
    if (c.type === 'stop') this.controller.abort(c.reason)
    else if (c.type === 'rebalance') this.context?.rebalance({ factor: c.factor, vus: c.vus })
  }

  /** Waits for `at` (epoch ms), runs, sends 'done' (or 'failed'). */
  async run(at: number): Promise<void> {
    const { spec, send } = this
    const { workflow, workflows } = this
    if (!workflow && !workflows) throw new Error('ShardRunner.run() before prepare()')
    try {
      await sleep(Math.max(0, at - Date.now()), this.controller.signal)
      // Shards only measure: thresholds are evaluated (and abort) on the merged result.
      const result = await runOnce({
        config: spec.config,
        workflow,
        workflows,
        subMetrics: spec.subMetrics,
        signal: this.controller.signal,
        extensions: [this.reporter()],
      })
      send({
        type: 'done',
        shard: spec.shard,
        interrupted: result.interrupted,
        vusAllocated: result.vusAllocated,
        state: result.state,
        ...(result.abort ? { abort: result.abort } : {}),
        ...(result.scenarios
          ? {
              scenarios: Object.fromEntries(
                Object.entries(result.scenarios).map(([name, r]) => [
                  name,
                  { interrupted: r.interrupted, vusAllocated: r.vusAllocated, durationMs: r.durationMs },
                ]),
              ),
            }
          : {}),
      })
    } catch (e) {
      send({ type: 'failed', shard: spec.shard, message: (e as Error)?.message ?? String(e) })
    }
  }

  /** Sends every closed second to the coordinator, each scenario's share with it. */
  private reporter(): RunExtension {
    const shard = this.spec.shard
    const part = (second: ScenarioSecond, run: RunContext, elapsedMs: number): ShardPart => ({
      ms: second.ms,
      iterations: second.iterations,
      errors: second.errors,
      dropped: second.dropped,
      vus: second.vus,
      vusAllocated: run.vusAllocated,
      latency: encodeHistogram(second.latency),
      serviceTime: encodeHistogram(second.serviceTime),
      errorsByKind: run.recorder.errors.toJSON(),
      metrics: run.recorder.registry.toResult(elapsedMs),
    })
    return {
      start: (run) => {
        this.context = run
      },
      second: (point, data, run) => {
        const scenarios: Record<string, ShardPart> = {}
        for (const [name, s] of Object.entries(data.scenarios ?? {})) {
          const child = run.scenarios.get(name)
          if (child) scenarios[name] = part(s, child, child.recorder.elapsedMs)
        }
        this.send({
          type: 'second',
          shard,
          t: point.t,
          ...part({ ...data, vus: point.vus }, run, point.t * 1000 + point.ms),
          ...(data.scenarios ? { scenarios } : {}),
        })
      },
    }
  }
}
