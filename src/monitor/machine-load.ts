import { readFileSync } from 'node:fs'
import { TICKS_PER_SECOND } from './process-tree.ts'

/**
 * CPU ms the whole machine has been busy so far, all cores together: user, nice, system, irq,
 * softirq and steal (time the hypervisor gave this VM's cores to someone else) from the `cpu`
 * line of /proc/stat. Undefined off Linux. Minus what our own processes used over the same
 * interval, it says how many cores other jobs kept busy: a busy neighbour core, which the
 * machine probe's short bursts do not see.
 */
export function machineBusyMs(): number | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
    const f = line.split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal (guest time is inside user and nice)
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)
    return Number.isFinite(busy) ? (busy * 1000) / TICKS_PER_SECOND : undefined
  } catch {
    return undefined
  }
}
