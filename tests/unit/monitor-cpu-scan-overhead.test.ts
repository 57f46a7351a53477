import { describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/core/result.ts'
import type { RunContext } from '../../src/engine/extension.ts'
import { measureCpu } from '../../src/monitor/cpu-per-iteration.ts'
import { treeCpuSeconds, treeScanCpuMs } from '../../src/monitor/process-tree.ts'

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

describe.runIf(process.platform === 'linux')('the test process CPU per iteration', () => {
  it('counts what reading process trees cost', () => {
    const before = treeScanCpuMs()
    for (let i = 0; i < 5; i++) treeCpuSeconds(process.pid)
    expect(treeScanCpuMs()).toBeGreaterThan(before)
  })

  it('leaves out the monitor reading the servers’ trees', () => {
    const cpu = measureCpu({ servers: [{ service: 'self', pid: process.pid }] })
    const run = {} as RunContext
    const t0 = cpuMs()
    cpu.start?.(run)
    // What the resource sampler does once a second per watched server, many times over.
    const scans0 = treeScanCpuMs()
    while (treeScanCpuMs() - scans0 < 100) treeCpuSeconds(process.pid)
    cpu.finish?.(run)
    const spent = cpuMs() - t0
    const result = {} as RunResult
    cpu.decorate?.(result, run)
    expect(spent).toBeGreaterThan(100)
    // What is left is the loop itself and the clock reads around each scan (about a quarter on Node 22).
    expect(result.cpu!.process).toBeLessThan(spent * 0.5)
    expect(result.cpu!.servers!.self).toBeGreaterThan(0)
  })
})
