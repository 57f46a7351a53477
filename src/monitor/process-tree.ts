import { readdirSync, readFileSync } from 'node:fs'

// Linux reports CPU times in clock ticks; USER_HZ is 100 on every Linux Node runs on.
export const TICKS_PER_SECOND = 100

/** utime, stime, cutime, cstime and the parent pid of one process, from /proc/<pid>/stat. */
function stat(pid: number): { ppid: number; own: number; children: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces and parentheses).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) }
  } catch {
    return undefined
  }
}

let scanMs = 0

/** This thread's CPU ms (the process's where Node cannot tell threads apart). */
function threadMs(): number {
  const u = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * CPU ms this thread has spent in treeCpuSeconds() so far. Finding a server's children reads every
 * process's stat file (about 2 ms a call with 130 processes on the machine, more on a crowded CI
 * runner): the monitor's work, not the load's, so the test process's CPU per iteration leaves it out.
 */
export function treeScanCpuMs(): number {
  return scanMs
}

/**
 * CPU seconds used so far by a server and its child processes: the living children's own time
 * plus, through the parent's cutime/cstime, every child that already exited and was reaped. A
 * PostgreSQL server does its work in one backend process per connection, so the postmaster's
 * own CPU alone reads 0 under load. Linux only (undefined elsewhere, or when the pid is gone).
 */
export function treeCpuSeconds(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined
  const t0 = threadMs()
  try {
    return scan(pid)
  } finally {
    scanMs += threadMs() - t0
  }
}

function scan(pid: number): number | undefined {
  const root = stat(pid)
  if (root === undefined) return undefined
  let ticks = root.own + root.children
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry)
    if (!Number.isInteger(child) || child === pid) continue
    const s = stat(child)
    if (s?.ppid === pid) ticks += s.own
  }
  return ticks / TICKS_PER_SECOND
}
