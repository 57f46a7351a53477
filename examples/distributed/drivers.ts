import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// In a project that installed vitest-perf this is `npx vitest-perf driver …` (node_modules/.bin).
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

export interface Driver {
  id: string
  child: ChildProcess
  output: () => string
}

let keyFile: string | undefined

/**
 * The key file the coordinator (`distributed.keyFile`) and the drivers (`--key-file`) share: one
 * random key per test process here; on real machines, a secret (`openssl rand -hex 32`).
 */
export function driverKeyFile(): string {
  if (keyFile === undefined) {
    keyFile = join(mkdtempSync(join(tmpdir(), 'vitest-perf-key-')), 'driver.key')
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 })
  }
  return keyFile
}

/**
 * Starts `vitest-perf driver` processes on this machine and waits until they registered. In a
 * real setup they run on other machines: `npx vitest-perf driver --redis redis://bus:6379`.
 */
export async function startDrivers(
  count: number,
  redis: string,
  prefix: string,
  extra: string[] = [],
  options: { cwd?: string } = {},
): Promise<Driver[]> {
  const drivers = Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-d${i + 1}`
    const child = spawn(
      process.execPath,
      [
        '--conditions=vitest-perf-source',
        CLI,
        'driver',
        '--redis',
        redis,
        '--prefix',
        prefix,
        '--id',
        id,
        '--key-file',
        driverKeyFile(),
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd },
    )
    let out = ''
    child.stdout?.on('data', (d) => (out += d))
    child.stderr?.on('data', (d) => (out += d))
    return { id, child, output: () => out }
  })
  const deadline = Date.now() + 20_000
  while (!drivers.every((d) => d.output().includes('registered'))) {
    const dead = drivers.find((d) => d.child.exitCode !== null)
    if (dead || Date.now() > deadline)
      throw new Error(`driver did not register:\n${drivers.map((d) => `${d.id}: ${d.output()}`).join('\n')}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return drivers
}

export async function stopDrivers(drivers: Driver[]): Promise<void> {
  await Promise.all(
    drivers.map(async (d) => {
      if (d.child.exitCode !== null || d.child.signalCode !== null) return
      const exited = new Promise((r) => d.child.once('exit', r))
      d.child.kill('SIGTERM')
      const timer = setTimeout(() => d.child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }),
  )
}
