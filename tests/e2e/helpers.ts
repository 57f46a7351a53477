import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../..')

export interface VitestRun {
  status: number | null
  output: string
}

/** Runs Vitest (the repo's own, on Node 24) on a fixture project and returns what it printed. */
export function runFixture(fixture: string, args: string[] = [], env: Record<string, string> = {}): VitestRun {
  const dir = path.join(root, 'tests/e2e/fixtures', fixture)
  rmSync(path.join(dir, 'perf-results'), { recursive: true, force: true })
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(dir, 'vitest.config.ts'), ...args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      timeout: 150_000,
    },
  )
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` }
}

export function fixtureDir(fixture: string): string {
  return path.join(root, 'tests/e2e/fixtures', fixture)
}
