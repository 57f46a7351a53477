import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { PerfError } from '../core/errors.ts'

const exec = promisify(execFile)

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/** The two revisions: the base commit and the head (HEAD, or the work tree when it has changes). */
export interface Revisions {
  /** The repository's top folder and the project folder inside it ('' at the top). */
  top: string
  project: string
  base: { ref: string; sha: string }
  head: { sha: string; changed: string[] }
}

export async function resolveRevisions(cwd: string, ref: string): Promise<Revisions> {
  let top: string
  try {
    top = await git(cwd, ['rev-parse', '--show-toplevel'])
  } catch {
    throw new PerfError(
      'PERF_AB_GIT',
      `${cwd} is not inside a git repository: vitest-perf ab compares two revisions of one. Run it from the project's checkout.`,
    )
  }
  let sha: string
  try {
    sha = await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  } catch {
    throw new PerfError(
      'PERF_AB_REF_MISSING',
      `The base revision "${ref}" does not exist in this repository. Fetch it first (e.g. git fetch origin main for origin/main); in GitHub Actions check out with fetch-depth: 0, since a shallow clone has no other commits.`,
    )
  }
  const headSha = await git(cwd, ['rev-parse', 'HEAD'])
  const status = await exec('git', ['status', '--porcelain'], { cwd })
  const changed = status.stdout.split('\n').filter(Boolean)
  return { top, project: path.relative(top, cwd), base: { ref, sha }, head: { sha: headSha, changed } }
}

/** A checkout of the base revision in a temp folder; remove() always removes it (worktree and folder). */
export interface BaseCheckout {
  /** The project folder inside the checkout, where its Vitest runs. */
  dir: string
  /** How its node_modules came about, for the report. */
  modules: string
  remove(): Promise<void>
}

function npmCi(dir: string, log: (line: string) => void): Promise<void> {
  log(`vitest-perf ab: the lockfile differs; npm ci in the base checkout`)
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new PerfError('PERF_AB_INSTALL', `npm ci failed in the base checkout (${dir}) with code ${code}; its output is above.`)),
    )
  })
}

const readOrNull = (file: string) => readFile(file, 'utf8').catch(() => null)

/**
 * `git worktree add --detach` of the base in a temp folder. node_modules is the head's (a symlink)
 * when package-lock.json is the same on both sides, else `npm ci` installs the base's own.
 */
export async function checkoutBase(rev: Revisions, cwd: string, log: (line: string) => void): Promise<BaseCheckout> {
  const temp = await mkdtemp(path.join(tmpdir(), 'vitest-perf-ab-'))
  const worktree = path.join(temp, 'base')
  const remove = async () => {
    await git(rev.top, ['worktree', 'remove', '--force', worktree]).catch(() => {})
    await rm(temp, { recursive: true, force: true })
    await git(rev.top, ['worktree', 'prune']).catch(() => {})
  }
  try {
    await git(rev.top, ['worktree', 'add', '--detach', worktree, rev.base.sha])
    const dir = path.join(worktree, rev.project)
    const lockHead = await readOrNull(path.join(cwd, 'package-lock.json'))
    const lockBase = await readOrNull(path.join(dir, 'package-lock.json'))
    let modules: string
    if (lockHead === lockBase && existsSync(path.join(cwd, 'node_modules'))) {
      await symlink(path.join(cwd, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
      modules = 'the same lockfile: node_modules shared with the head (symlink)'
    } else {
      await npmCi(dir, log)
      modules = 'the lockfile differs: npm ci in the base checkout'
    }
    return { dir, modules, remove }
  } catch (e) {
    await remove()
    throw e
  }
}
