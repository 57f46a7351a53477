import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

const SERVERS = new Set(['postgres', 'mariadbd', 'redis-server', 'mongod'])

/**
 * Server processes started by vitest-perf: their working directory is one of our temp dirs
 * (vitest-perf-<kind>-…). Redis rewrites its command line, so the cwd is what identifies it.
 */
export function ourServerProcesses(): string[] {
  const found: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim()
      if (!SERVERS.has(comm)) continue
      const cwd = readlinkSync(`/proc/${entry}/cwd`)
      if (cwd.includes('vitest-perf-')) found.push(`${entry} ${comm} (in ${cwd})`)
    } catch {
      // gone, or not ours to read
    }
  }
  return found
}
