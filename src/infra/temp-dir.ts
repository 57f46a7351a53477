import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

export interface TempDir {
  path: string
  remove(): void
}

/** A private temp dir for a server's data, owned by `uid`/`gid` when given. */
export function makeTempDir(prefix: string, owner?: { uid: number; gid: number }): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), `vitest-perf-${prefix}-`))
  if (owner) chownSync(dir, owner.uid, owner.gid)
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** uid/gid of a system user (postgres refuses to run as root), or undefined when unknown. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0
}
