import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/core/result.ts'
import type { RunContext } from '../../src/engine/extension.ts'
import { measureCpu } from '../../src/monitor/cpu-per-iteration.ts'
import { machineBusyMs } from '../../src/monitor/machine-load.ts'

describe.runIf(process.platform === 'linux')('cores other processes kept busy during the load', () => {
  it('reads the machine busy time from /proc/stat', () => {
    const a = machineBusyMs()!
    let x = 0
    const t = performance.now()
    while (performance.now() - t < 50) x += Math.sqrt(x + 1)
    expect(a).toBeGreaterThan(0)
    expect(machineBusyMs()!).toBeGreaterThanOrEqual(a)
  })

  it('sees a busy neighbour process as about one core, which is neither the test process nor a watched server', async () => {
    // A neighbour spinning for 2.5 s; the load window is the 1.5 s in its middle.
    const neighbour = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 2500) {}'], { stdio: 'ignore' })
    try {
      await sleep(400)
      const cpu = measureCpu({ servers: [] })
      const run = {} as RunContext
      cpu.start?.(run)
      await sleep(1500)
      cpu.finish?.(run)
      const result = {} as RunResult
      cpu.decorate?.(result, run)
      // At least most of a core (a loaded machine adds its own jobs on top, never less).
      expect(result.cpu!.otherCores).toBeGreaterThan(0.6)
    } finally {
      neighbour.kill('SIGKILL')
    }
  })
})
