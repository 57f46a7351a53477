import { monitorEventLoopDelay, performance as perf, type EventLoopUtilization, type ELDHistogram } from 'node:perf_hooks'
import v8 from 'node:v8'
import { importOptional } from '../core/optional-package.ts'
import type { ResourceSample, ServerSample, WatchedServer } from '../core/resource-sample.ts'
import { fullGc, prepareFullGc } from './full-gc.ts'
import { heapObjectsOf, heapObjectsUsed } from './heap-objects.ts'
import { treeCpuSeconds } from './process-tree.ts'
import { serverCollector } from './server-stats.ts'

const INTERVAL_MS = 1000
// The event-loop delay histogram measures the time between timer callbacks `resolution` ms apart:
// the delay itself is what exceeds the resolution (an idle loop read 20 ms at p50 before).
const ELD_RESOLUTION_MS = 20

/**
 * Samples the test process (and watched servers) once a second during a run. Everything it reads
 * is cheap: cpuUsage, memoryUsage, a native event-loop histogram, the active resources list.
 */
export class ResourceSampler {
  readonly samples: ResourceSample[] = []
  private readonly t0: number
  private readonly servers: WatchedServer[]
  private timer: NodeJS.Timeout | undefined
  private delay: ELDHistogram | undefined
  private gc: v8.GCProfiler | undefined
  private cpu = process.cpuUsage()
  private cpuAt = performance.now()
  private elu: EventLoopUtilization = perf.eventLoopUtilization()
  private collectors: {
    service: string
    pid?: number
    containerId?: string
    collect?: () => Promise<Record<string, number>>
    close?: () => Promise<void>
  }[] = []
  private readonly containerCpu = new Map<string, { total: number; system: number }>()
  private readonly treeCpu = new Map<number, { seconds: number; at: number }>()
  private pending: Promise<void> = Promise.resolve()

  private readonly preciseHeap: boolean

  constructor(t0: number, servers: WatchedServer[] = [], preciseHeap = false) {
    this.t0 = t0
    this.servers = servers
    this.preciseHeap = preciseHeap
  }

  async start(): Promise<void> {
    prepareFullGc()
    this.delay = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
    this.delay.enable()
    // The GC profiler collects natively; a PerformanceObserver on 'gc' runs JS on every scavenge
    // and cost 14 % of a noop loop's throughput.
    this.gc = new v8.GCProfiler()
    this.gc.start()
    for (const server of this.servers) {
      const c = await serverCollector(server)
      this.collectors.push({
        service: server.service,
        pid: server.pid,
        containerId: server.containerId,
        collect: c?.collect,
        close: c?.close,
      })
      if (server.pid !== undefined) this.processTreeCpu(server.pid)
    }
    this.timer = setInterval(() => {
      this.pending = this.sample(this.preciseHeap && fullGc())
    }, INTERVAL_MS)
    this.timer.unref()
  }

  /** `afterFullGc`: a full GC ran just before, so the memory read is what is live. */
  private async sample(afterFullGc = false): Promise<void> {
    const now = performance.now()
    const cpu = process.cpuUsage(this.cpu)
    const wallUs = (now - this.cpuAt) * 1000
    this.cpu = process.cpuUsage()
    this.cpuAt = now
    const elu = perf.eventLoopUtilization(this.elu)
    this.elu = perf.eventLoopUtilization()
    const memory = process.memoryUsage()
    const handles: Record<string, number> = {}
    for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1
    const d = this.delay!
    const ms = (ns: number) => Math.round(ns / 1e3) / 1e3
    const late = (ns: number) => Math.max(0, ms(ns) - ELD_RESOLUTION_MS)
    const afterGc = this.lastHeapAfterGc()
    const sample: ResourceSample = {
      t: Math.round(now - this.t0) / 1000,
      cpu: wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 : 0,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      ...(afterGc ? { heapAfterGc: afterGc.heap } : {}),
      heapObjects: heapObjectsUsed(),
      ...(afterGc ? { heapObjectsAfterGc: afterGc.objects } : {}),
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      ...(afterFullGc ? { afterFullGc } : {}),
      eventLoop: {
        p50: late(d.percentile(50)),
        p99: late(d.percentile(99)),
        max: late(d.max),
        utilization: Math.round(elu.utilization * 1000) / 1000,
      },
      handles,
    }
    d.reset()
    if (this.collectors.length) sample.servers = await this.sampleServers()
    this.samples.push(sample)
  }

  /**
   * Heap used after the last major GC (mark-compact) of the interval, if one ran: only those say
   * what is live. After a minor GC the old generation still holds promoted garbage, which grows
   * steadily between major GCs and would read as a leak.
   */
  private lastHeapAfterGc(): { heap: number; objects: number } | undefined {
    if (!this.gc) return undefined
    const profile = this.gc.stop() as
      | {
          statistics?: {
            gcType: string
            afterGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] }
          }[]
        }
      | undefined
    this.gc.start()
    const last = (profile?.statistics ?? []).filter((e) => e.gcType === 'MarkSweepCompact').at(-1)
    return last && { heap: last.afterGC.heapStatistics.usedHeapSize, objects: heapObjectsOf(last.afterGC.heapSpaceStatistics) }
  }

  private async sampleServers(): Promise<Record<string, ServerSample>> {
    const out: Record<string, ServerSample> = {}
    const pids = this.collectors.map((c) => c.pid).filter((p): p is number => p !== undefined)
    let usage: Record<string, { cpu: number; memory: number }> = {}
    if (pids.length) {
      try {
        const { default: pidusage } = await importOptional<{ default: typeof import('pidusage') }>(
          'pidusage',
          'the resource monitor (CPU and memory of servers)',
        )
        usage = (await pidusage(pids)) as unknown as Record<string, { cpu: number; memory: number }>
      } catch {
        // the server may have exited
      }
    }
    for (const c of this.collectors) {
      let u = c.pid !== undefined ? usage[String(c.pid)] : c.containerId ? await this.containerUsage(c.containerId) : undefined
      if (u && c.pid !== undefined) u = { ...u, cpu: this.processTreeCpu(c.pid) ?? u.cpu }
      const stats = c.collect ? await c.collect().catch(() => undefined) : undefined
      out[c.service] = {
        ...(c.pid !== undefined ? { pid: c.pid } : {}),
        ...(c.containerId ? { containerId: c.containerId } : {}),
        ...(u ? { cpu: Math.round(u.cpu * 10) / 10, rss: u.memory } : {}),
        ...(stats ? { stats } : {}),
      }
    }
    return out
  }

  /** CPU (% of one core since the last sample) of a server and its children (Linux), else undefined. */
  private processTreeCpu(pid: number): number | undefined {
    const seconds = treeCpuSeconds(pid)
    if (seconds === undefined) return undefined
    const at = performance.now()
    const last = this.treeCpu.get(pid)
    this.treeCpu.set(pid, { seconds, at })
    return last && at > last.at ? Math.max(0, ((seconds - last.seconds) * 1000 * 100) / (at - last.at)) : undefined
  }

  /** CPU (% of one core, from the delta since the last sample) and memory of a container. */
  private async containerUsage(id: string): Promise<{ cpu: number; memory: number } | undefined> {
    try {
      const { getContainerRuntimeClient } = await importOptional<typeof import('testcontainers')>(
        'testcontainers',
        'the resource monitor (CPU and memory of containers)',
      )
      const client = await getContainerRuntimeClient()
      const container = client.container.getById(id) as unknown as {
        stats(o: object): Promise<{
          memory_stats?: { usage?: number }
          cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number }
        }>
      }
      const s = await container.stats({ stream: false, 'one-shot': true })
      const total = s.cpu_stats?.cpu_usage?.total_usage ?? 0
      const system = s.cpu_stats?.system_cpu_usage ?? 0
      const last = this.containerCpu.get(id)
      this.containerCpu.set(id, { total, system })
      const cpu = last && system > last.system ? ((total - last.total) / (system - last.system)) * (s.cpu_stats?.online_cpus ?? 1) * 100 : 0
      return { cpu, memory: s.memory_stats?.usage ?? 0 }
    } catch {
      return undefined
    }
  }

  /** Takes a last sample and releases everything. */
  async stop(): Promise<ResourceSample[]> {
    if (this.timer) clearInterval(this.timer)
    await this.pending
    // The load is over: a full GC makes the last sample's heap what the run retained. ArrayBuffers
    // are freed by a sweeper after it, and V8 counts them out of `external` at the next GC: a
    // second one, a turn of the event loop later, makes external memory what was retained too.
    const collected = fullGc()
    if (collected) {
      await new Promise((resolve) => setImmediate(resolve))
      fullGc()
    }
    await this.sample(collected)
    this.delay?.disable()
    this.gc?.stop()
    for (const c of this.collectors) await c.close?.().catch(() => {})
    try {
      const { default: pidusage } = await importOptional<{ default: typeof import('pidusage') }>(
        'pidusage',
        'the resource monitor (CPU and memory of servers)',
      )
      pidusage.clear()
    } catch {
      // not loaded
    }
    return this.samples
  }
}
