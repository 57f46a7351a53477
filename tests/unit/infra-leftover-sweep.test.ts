import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isAlive, markerDir, sweepLeftovers, writeMarker, type OwnershipMarker } from '../../src/infra/leftovers.ts'

// Every test runs in its own TMPDIR, so "our temp prefix" and the default state dir live there.
const NOBODY = 65534
const children: ChildProcess[] = []
let tmp: string

/** A process whose command line names `arg`, as a server started with its data dir would. */
function victim(arg: string): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300000)', arg], { stdio: 'ignore' })
  children.push(child)
  return child.pid!
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!
}

function dataDir(kind = 'pg'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `vitest-perf-${kind}-`))
  writeFileSync(path.join(dir, 'PG_VERSION'), '16')
  return dir
}

function plant(marker: Partial<OwnershipMarker>, dir = markerDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = path.join(dir, `${marker.id ?? 'planted'}.json`)
  const full = { id: 'planted', ownerPid: deadPid(), service: 'postgres', provider: 'local', createdAt: '', ...marker }
  writeFileSync(file, JSON.stringify(full))
  return file
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'sweep-test-'))
  vi.stubEnv('TMPDIR', tmp)
  vi.stubEnv('VITEST_PERF_STATE_DIR', undefined as unknown as string)
  delete process.env.VITEST_PERF_STATE_DIR
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(tmp, { recursive: true, force: true })
})
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
})

describe('the leftover sweep', () => {
  it('creates a per-user state dir 0700 under the temp dir', () => {
    writeMarker({ id: 'm', ownerPid: process.pid, service: 'redis', provider: 'local', createdAt: '' })
    expect(markerDir()).toBe(path.join(tmp, `vitest-perf-${process.getuid!()}`, 'owned'))
    expect(lstatSync(markerDir()).mode & 0o777).toBe(0o700)
    expect(lstatSync(path.dirname(markerDir())).mode & 0o777).toBe(0o700)
    expect(lstatSync(path.join(markerDir(), 'm.json')).mode & 0o777).toBe(0o600)
  })

  it('still removes what a killed run of ours left: the server whose command line names its data dir, and the dir', async () => {
    const dir = dataDir()
    const pid = victim(dir)
    plant({ id: 'ours', pid, dataDir: dir })
    const outcome = sweepLeftovers()
    expect(outcome.warnings).toEqual([])
    expect(outcome.removed).toEqual([expect.stringContaining(`killed postgres pid ${pid}, deleted ${dir}`)])
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false))
    expect(existsSync(dir)).toBe(false)
  })

  it('ignores a marker owned by another uid (nobody): nothing deleted or killed, a warning', () => {
    const dir = dataDir()
    const pid = victim(dir)
    chownSync(plant({ id: 'foreign', pid, dataDir: dir }), NOBODY, NOBODY)
    const outcome = sweepLeftovers()
    expect(outcome.warnings).toEqual([expect.stringMatching(/ignoring marker .*foreign\.json: owned by uid 65534, not by us/)])
    expect(outcome.removed).toEqual([])
    expect(existsSync(dir)).toBe(true)
    expect(isAlive(pid)).toBe(true)
  })

  it('ignores a state dir that is a symbolic link: nothing deleted or killed, a warning', () => {
    const dir = dataDir()
    const pid = victim(dir)
    const real = mkdtempSync(path.join(tmp, 'elsewhere-'))
    plant({ id: 'linked', pid, dataDir: dir }, real)
    const link = path.join(tmp, 'state-link')
    symlinkSync(real, link)
    vi.stubEnv('VITEST_PERF_STATE_DIR', link)
    const outcome = sweepLeftovers()
    expect(outcome.warnings).toEqual([expect.stringContaining(`${link} is a symbolic link`)])
    expect(existsSync(dir)).toBe(true)
    expect(isAlive(pid)).toBe(true)
  })

  it('ignores a state dir others can write to, and one owned by another uid', () => {
    const dir = dataDir()
    plant({ id: 'm', dataDir: dir })
    chmodSync(markerDir(), 0o777)
    expect(sweepLeftovers().warnings).toEqual([expect.stringContaining('writable by group or others (mode 777)')])
    chmodSync(markerDir(), 0o700)
    chownSync(markerDir(), NOBODY, NOBODY)
    expect(sweepLeftovers().warnings).toEqual([expect.stringContaining('owned by uid 65534, not by us')])
    expect(existsSync(dir)).toBe(true)
  })

  it('never deletes a dir outside our temp prefix, nor kills a process that names it: warnings', () => {
    const outside = mkdtempSync(path.join(tmp, 'precious-'))
    const pid = victim(outside)
    plant({ id: 'outside', pid, dataDir: outside })
    const outcome = sweepLeftovers()
    expect(outcome.warnings).toEqual([
      expect.stringContaining(`not killing pid ${pid} named by marker outside`),
      expect.stringContaining(`not deleting ${outside} named by marker outside: it is not under`),
    ])
    expect(existsSync(outside)).toBe(true)
    expect(isAlive(pid)).toBe(true)
  })

  it('never kills a process whose command line names neither the data dir nor the port (a missing data dir is not ours)', () => {
    const pid = victim('--unrelated')
    plant({ id: 'nodir', pid })
    plant({ id: 'wrongdir', pid, dataDir: path.join(tmpdir(), 'vitest-perf-pg-AAAAAA'), port: 5999 })
    const outcome = sweepLeftovers()
    expect(outcome.warnings).toHaveLength(2)
    expect(outcome.warnings.every((w) => w.startsWith(`not killing pid ${pid}`))).toBe(true)
    expect(isAlive(pid)).toBe(true)
  })

  it('hands containers on with the owner pid, so only those carrying our label are removed', () => {
    const ownerPid = deadPid()
    plant({ id: 'c', provider: 'testcontainers', containerId: 'abcdef0123456789', ownerPid })
    expect(sweepLeftovers().containers).toEqual([{ id: 'abcdef0123456789', ownerPid }])
  })
})
