import type { ResourceSample, WatchedServer } from '../core/resource-sample.ts'
import type { TimelinePoint } from '../core/result.ts'
import type { RunExtension } from '../engine/extension.ts'
import { ResourceSampler } from './sampler.ts'

export interface MonitorOptions {
  /** Database servers (and other processes) to sample beside the test process. */
  servers?: WatchedServer[]
  /** A full GC before every sample, so toHaveNoLeak() fits the live heap even in short runs. */
  preciseHeap?: boolean
  /** Instruction counts per iteration (read by measureCpu(), not by the sampler). */
  instructions?: boolean
}

/** Resource sampling as a run extension; `latest()` is the newest sample (live progress). */
export interface RunMonitor extends RunExtension {
  latest(): ResourceSample | undefined
}

/** Samples the process and watched servers once a second; the samples go into `result.resources`. */
export function monitorRun(options: MonitorOptions = {}): RunMonitor {
  let sampler: ResourceSampler | undefined
  let samples: ResourceSample[] = []
  return {
    latest: () => sampler?.samples.at(-1),
    async start(run) {
      sampler = new ResourceSampler(run.t0, options.servers, options.preciseHeap)
      await sampler.start()
    },
    async finish() {
      samples = (await sampler?.stop()) ?? []
    },
    decorate(result) {
      result.resources = samples
      withResources(result.timeline, samples)
    },
  }
}

/** Puts each second's resource sample beside its timeline point, for reports. */
function withResources(timeline: TimelinePoint[], samples: ResourceSample[]): void {
  for (const s of samples) {
    const point = timeline[Math.min(timeline.length - 1, Math.max(0, Math.ceil(s.t) - 1))]
    if (point) Object.assign(point, { cpu: s.cpu, rss: s.rss, heapUsed: s.heapUsed, eventLoopP99: s.eventLoop.p99 })
  }
}
