import { execFileSync } from 'node:child_process'

/** Server processes started by vitest-perf (their data dirs are named vitest-perf-<kind>-…). */
export function ourServerProcesses(): string[] {
  let out = ''
  try {
    out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
  } catch {
    return []
  }
  return out
    .split('\n')
    .filter((line) => /vitest-perf-(pg|embedded-pg|mariadb|redis|mongod)-/.test(line) && /postgres|mariadbd|redis-server|mongod/.test(line))
    .map((line) => line.trim())
}
