import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let checked: string | undefined | null = null

/**
 * Why instruction counts cannot be had here, or undefined when they could. Node has no
 * perf_event_open(): a test process can count its own instructions only through a native addon
 * or an external `perf stat`, and only where the CPU exposes counters (many VMs do not) and
 * /proc/sys/kernel/perf_event_paranoid allows it. Checked once per process.
 */
export function instructionCountsUnavailable(): string | undefined {
  if (checked !== null) return checked
  checked = check()
  return checked
}

function check(): string | undefined {
  if (process.platform !== 'linux') return 'hardware counters are read through Linux perf_event only'
  let paranoid: number
  try {
    paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim())
  } catch {
    return 'this kernel has no perf_event support (/proc/sys/kernel/perf_event_paranoid is missing)'
  }
  if (paranoid > 2) return `perf_event_paranoid is ${paranoid}: unprivileged processes may not count events`
  const probe = spawnSync('perf', ['stat', '-x,', '-e', 'instructions', '--', 'true'], { encoding: 'utf8', timeout: 5000 })
  if (probe.error) return 'no `perf` binary to count them from outside the process (Node cannot open perf events itself)'
  if (/not supported|not counted/i.test(probe.stderr))
    return 'this CPU exposes no instruction counter (perf stat: instructions <not supported>; a VM without a virtual PMU)'
  return 'counting through `perf stat` is not implemented yet: no machine of this project exposes the counter to test it on'
}
