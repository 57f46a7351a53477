import type { CpuUsage } from '../core/result.ts'
import type { WatchedServer } from '../core/resource-sample.ts'
import type { RunExtension } from '../engine/extension.ts'
import { instructionCountsUnavailable } from './instructions.ts'
import { machineBusyMs } from './machine-load.ts'
import { treeCpuSeconds, treeScanCpuMs } from './process-tree.ts'

export interface CpuOptions {
  /** Servers whose process tree (by pid) is read too; containers and pid-less servers are not. */
  servers?: WatchedServer[]
  /** Ask for instruction counts per iteration: a note says when the machine cannot give them. */
  instructions?: boolean
}

function processMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * CPU time of the load: the test process and each watched server's process tree, read when the
 * load starts and when it is over (two readings, nothing on the hot path). The test process's
 * time leaves out what reading the servers' trees cost it. Work per iteration
 * moves far less than latency when another job takes a core: the verdict judges it apart.
 */
export function measureCpu(options: CpuOptions = {}): RunExtension {
  const servers = (options.servers ?? []).filter((s): s is WatchedServer & { pid: number } => s.pid !== undefined)
  let start: { process: number; scans: number; servers: Map<string, number | undefined>; busy?: number; at: number } | undefined
  let usage: CpuUsage | undefined
  const treeMs = (pid: number) => {
    const seconds = treeCpuSeconds(pid)
    return seconds === undefined ? undefined : seconds * 1000
  }
  return {
    start() {
      start = {
        process: processMs(),
        scans: treeScanCpuMs(),
        servers: new Map(servers.map((s) => [s.service, treeMs(s.pid)])),
        busy: machineBusyMs(),
        at: performance.now(),
      }
    },
    finish() {
      if (!start) return
      const notes: string[] = []
      const byServer: Record<string, number> = {}
      for (const s of servers) {
        const before = start.servers.get(s.service)
        const after = treeMs(s.pid)
        if (before === undefined || after === undefined) {
          notes.push(`${s.service}: CPU not read (process ${s.pid} gone, or not Linux)`)
          continue
        }
        byServer[s.service] = Math.round((after - before) * 1000) / 1000
      }
      if (options.instructions) {
        const why = instructionCountsUnavailable()
        if (why) notes.push(`instructions per iteration not measured: ${why}`)
      }
      // Reading the servers' CPU (here and in the resource sampler) is not the load's work.
      const scans = treeScanCpuMs() - start.scans
      const own = processMs() - start.process
      // Cores that other processes kept busy meanwhile: the machine's busy time less ours.
      const busy = machineBusyMs()
      const wall = performance.now() - start.at
      const ours = own + Object.values(byServer).reduce((a, b) => a + b, 0)
      const otherCores =
        start.busy !== undefined && busy !== undefined && wall >= 100
          ? Math.round((Math.max(0, busy - start.busy - ours) / wall) * 1000) / 1000
          : undefined
      usage = {
        process: Math.round(Math.max(0, own - scans) * 1000) / 1000,
        ...(Object.keys(byServer).length ? { servers: byServer } : {}),
        ...(otherCores !== undefined ? { otherCores } : {}),
        ...(notes.length ? { notes } : {}),
      }
    },
    decorate(result) {
      if (usage) result.cpu = usage
    },
  }
}
