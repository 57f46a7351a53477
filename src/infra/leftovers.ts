import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

export function markerDir(): string {
  return process.env.VITEST_PERF_STATE_DIR ?? path.join(tmpdir(), 'vitest-perf', 'owned')
}

export function writeMarker(marker: OwnershipMarker): void {
  mkdirSync(markerDir(), { recursive: true })
  writeFileSync(path.join(markerDir(), `${marker.id}.json`), JSON.stringify(marker))
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

function killServer(marker: OwnershipMarker): number | undefined {
  const pid = marker.pid ?? pidFromDir(marker.dataDir)
  if (pid === undefined || !ownsDir(pid, marker)) return undefined
  process.kill(pid, 'SIGKILL')
  return pid
}

function readMarkers(): OwnershipMarker[] {
  let files: string[]
  try {
    files = readdirSync(markerDir()).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  const markers: OwnershipMarker[] = []
  for (const file of files) {
    try {
      markers.push(JSON.parse(readFileSync(path.join(markerDir(), file), 'utf8')))
    } catch {
      rmSync(path.join(markerDir(), file), { force: true })
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
    if (marker.dataDir) rmSync(marker.dataDir, { recursive: true, force: true })
    removeMarker(marker.id)
  }
}

/** True when `pid` still runs and its command line names its data dir or port (guards against pid reuse). */
function ownsDir(pid: number, marker: OwnershipMarker): boolean {
  if (!isAlive(pid)) return false
  if (marker.dataDir === undefined) return true
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes(marker.dataDir) || (marker.port !== undefined && cmdline.includes(`:${marker.port}`))
  } catch {
    return false
  }
}

/**
 * Removes what a killed run left behind: markers whose owner process is gone name a server
 * process (killed), a data dir (deleted) and/or a container (returned for removal).
 */
export function sweepLeftovers(): { removed: string[]; containers: string[] } {
  const removed: string[] = []
  const containers: string[] = []
  for (const marker of readMarkers()) {
    if (isAlive(marker.ownerPid)) continue
    const parts: string[] = []
    const killed = killServer(marker)
    if (killed !== undefined) parts.push(`killed ${marker.service} pid ${killed}`)
    if (marker.dataDir) {
      rmSync(marker.dataDir, { recursive: true, force: true })
      parts.push(`deleted ${marker.dataDir}`)
    }
    if (marker.containerId) {
      containers.push(marker.containerId)
      parts.push(`removed container ${marker.containerId.slice(0, 12)}`)
    }
    removeMarker(marker.id)
    removed.push(`${marker.service} (${marker.provider}) of run pid ${marker.ownerPid}: ${parts.join(', ') || 'nothing left'}`)
  }
  return { removed, containers }
}
