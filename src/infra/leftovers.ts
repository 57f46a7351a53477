import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** Written for every server or temp dir we create; removed when we clean it up ourselves. */
export interface OwnershipMarker {
  id: string
  ownerPid: number
  service: string
  provider: string
  pid?: number
  /** Port the server listens on: Redis rewrites its command line, so the port identifies it. */
  port?: number
  dataDir?: string
  containerId?: string
  createdAt: string
}

// The sweep deletes directories and kills processes that markers name, so a marker is trusted
// only when nobody else could have written it: a directory of this user, 0700, no symlink, and
// marker files owned by this user. Every refusal is a warning, never a silent skip.

const uid = () => process.getuid?.()

/** The per-user state directory of the markers (VITEST_PERF_STATE_DIR overrides it, e.g. in tests). */
export function markerDir(): string {
  return process.env.VITEST_PERF_STATE_DIR ?? path.join(tmpdir(), `vitest-perf-${uid() ?? 'user'}`, 'owned')
}

/** Why `dir` cannot be trusted (lstat: a symlink, another owner, group/world-writable), or undefined. */
export function untrustedDir(dir: string): string | undefined {
  let stat
  try {
    stat = lstatSync(dir)
  } catch (e) {
    return `${dir} cannot be read (${(e as NodeJS.ErrnoException).code})`
  }
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`
  if (!stat.isDirectory()) return `${dir} is not a directory`
  if (uid() !== undefined && stat.uid !== uid()) return `${dir} is owned by uid ${stat.uid}, not by us (uid ${uid()})`
  if ((stat.mode & 0o022) !== 0) return `${dir} is writable by group or others (mode ${(stat.mode & 0o777).toString(8)})`
  return undefined
}

/** Creates the state directory 0700 if needed and checks it and its parent; the reason when unusable. */
function ensureStateDir(): string | undefined {
  const dir = markerDir()
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (e) {
    return `cannot create ${dir} (${(e as NodeJS.ErrnoException).code})`
  }
  // The parent of the default dir is ours too; VITEST_PERF_STATE_DIR's parent is the user's business.
  const parent = process.env.VITEST_PERF_STATE_DIR === undefined ? untrustedDir(path.dirname(dir)) : undefined
  return parent ?? untrustedDir(dir)
}

function warn(warnings: string[] | undefined, text: string): void {
  if (warnings) warnings.push(text)
  else console.warn(`vitest-perf: ${text}`)
}

export function writeMarker(marker: OwnershipMarker): void {
  const problem = ensureStateDir()
  if (problem) {
    warn(undefined, `not recording ${marker.service} for the leftover sweep: ${problem}`)
    return
  }
  writeFileSync(path.join(markerDir(), `${marker.id}.json`), JSON.stringify(marker), { mode: 0o600 })
}

export function removeMarker(id: string): void {
  rmSync(path.join(markerDir(), `${id}.json`), { force: true })
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The server pid a data dir records (PostgreSQL's postmaster.pid, mariadbd's pid file). */
export function pidFromDir(dataDir: string | undefined): number | undefined {
  if (!dataDir) return undefined
  for (const file of ['data/postmaster.pid', 'postmaster.pid', 'mariadbd.pid']) {
    try {
      const pid = Number(readFileSync(path.join(dataDir, file), 'utf8').split('\n')[0])
      if (Number.isInteger(pid) && pid > 0) return pid
    } catch {
      // not this one
    }
  }
  return undefined
}

/** Data dirs are made by makeTempDir(): `<tmpdir>/vitest-perf-<kind>-XXXXXX`, nothing else is ours to delete. */
export function isOurDataDir(dir: string): boolean {
  const resolved = path.resolve(dir)
  return path.dirname(resolved) === path.resolve(tmpdir()) && /^vitest-perf-[a-z-]+-[A-Za-z0-9]{6}$/.test(path.basename(resolved))
}

function deleteDataDir(marker: OwnershipMarker, warnings?: string[]): string | undefined {
  if (!marker.dataDir) return undefined
  if (!isOurDataDir(marker.dataDir)) {
    warn(warnings, `not deleting ${marker.dataDir} named by marker ${marker.id}: it is not under ${path.join(tmpdir(), 'vitest-perf-*')}`)
    return undefined
  }
  let stat
  try {
    stat = lstatSync(marker.dataDir)
  } catch {
    return undefined // already gone
  }
  if (!stat.isDirectory()) {
    warn(warnings, `not deleting ${marker.dataDir} named by marker ${marker.id}: it is not a directory`)
    return undefined
  }
  rmSync(marker.dataDir, { recursive: true, force: true })
  return marker.dataDir
}

/** True when `pid` still runs and its command line names the marker's data dir or port (guards against pid reuse and planted pids). */
function runsOurServer(pid: number, marker: OwnershipMarker): boolean {
  if (!isAlive(pid)) return false
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return false
  }
  const byDir = marker.dataDir !== undefined && isOurDataDir(marker.dataDir) && cmdline.includes(marker.dataDir)
  const byPort = Number.isInteger(marker.port) && new RegExp(`[:= ]${marker.port}(?!\\d)`).test(cmdline)
  return byDir || byPort
}

function killServer(marker: OwnershipMarker, warnings?: string[]): number | undefined {
  const pid = marker.pid ?? pidFromDir(marker.dataDir && isOurDataDir(marker.dataDir) ? marker.dataDir : undefined)
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return undefined
  if (!runsOurServer(pid, marker)) {
    warn(
      warnings,
      `not killing pid ${pid} named by marker ${marker.id}: its command line names neither ${marker.dataDir ?? 'a data dir'} nor port ${marker.port ?? '?'}`,
    )
    return undefined
  }
  process.kill(pid, 'SIGKILL')
  return pid
}

function readMarkers(warnings?: string[]): OwnershipMarker[] {
  const dir = markerDir()
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  const problem = untrustedDir(dir) ?? (process.env.VITEST_PERF_STATE_DIR === undefined ? untrustedDir(path.dirname(dir)) : undefined)
  if (problem) {
    warn(warnings, `ignoring the leftover markers in ${dir}: ${problem}`)
    return []
  }
  const markers: OwnershipMarker[] = []
  for (const file of files) {
    const full = path.join(dir, file)
    try {
      const stat = lstatSync(full)
      if (!stat.isFile() || (uid() !== undefined && stat.uid !== uid())) {
        warn(warnings, `ignoring marker ${full}: ${stat.isFile() ? `owned by uid ${stat.uid}, not by us` : 'not a regular file'}`)
        continue
      }
      const marker = JSON.parse(readFileSync(full, 'utf8')) as OwnershipMarker
      if (typeof marker !== 'object' || marker === null || typeof marker.id !== 'string' || !Number.isInteger(marker.ownerPid)) {
        throw new Error('not a marker')
      }
      markers.push(marker)
    } catch {
      rmSync(full, { force: true })
    }
  }
  return markers
}

/**
 * Last-resort cleanup on process exit, synchronous: kills the servers this process still owns
 * and deletes their data dirs. Containers cannot be stopped synchronously; the next run sweeps them.
 */
export function killOwnedNow(): void {
  for (const marker of readMarkers()) {
    if (marker.ownerPid !== process.pid || marker.containerId) continue
    try {
      killServer(marker)
    } catch {
      // already gone
    }
    deleteDataDir(marker)
    removeMarker(marker.id)
  }
}

export interface SweepOutcome {
  removed: string[]
  /** Containers to remove, each only if it carries our owner label with this owner pid. */
  containers: { id: string; ownerPid: number }[]
  /** What the sweep refused to touch, and why. */
  warnings: string[]
}

/**
 * Removes what a killed run left behind: markers whose owner process is gone name a server
 * process (killed), a data dir (deleted) and/or a container (returned for removal).
 */
export function sweepLeftovers(): SweepOutcome {
  const removed: string[] = []
  const containers: SweepOutcome['containers'] = []
  const warnings: string[] = []
  for (const marker of readMarkers(warnings)) {
    if (isAlive(marker.ownerPid)) continue
    const parts: string[] = []
    const killed = killServer(marker, warnings)
    if (killed !== undefined) parts.push(`killed ${marker.service} pid ${killed}`)
    const deleted = deleteDataDir(marker, warnings)
    if (deleted) parts.push(`deleted ${deleted}`)
    if (typeof marker.containerId === 'string') {
      containers.push({ id: marker.containerId, ownerPid: marker.ownerPid })
      parts.push(`removing container ${marker.containerId.slice(0, 12)}`)
    }
    removeMarker(marker.id)
    removed.push(`${marker.service} (${marker.provider}) of run pid ${marker.ownerPid}: ${parts.join(', ') || 'nothing left'}`)
  }
  return { removed, containers, warnings }
}
