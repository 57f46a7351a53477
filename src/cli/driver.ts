import { parseArgs } from 'node:util'
import { parseDuration } from '../core/duration.ts'
import { PerfError } from '../core/errors.ts'
import { redact } from '../core/redact.ts'
import { runDriver } from '../distributed/driver.ts'
import { loadKey } from '../distributed/signing.ts'

const HELP =
  'usage: vitest-perf driver --redis <url> [--id <name>] [--prefix vitest-perf] [--runs <n>] [--key-file <file>] [--root <dir>] [--give-up 5m]'

/** The flags `vitest-perf driver` takes (the launch recipes under docker/ are checked against them). */
export const DRIVER_FLAGS = {
  redis: { type: 'string' },
  id: { type: 'string' },
  prefix: { type: 'string' },
  runs: { type: 'string' },
  'key-file': { type: 'string' },
  root: { type: 'string' },
  'give-up': { type: 'string' },
} as const

/** `vitest-perf driver`: serves distributed runs until SIGINT/SIGTERM (or --runs are done). */
export async function driverCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: DRIVER_FLAGS })
  } catch (e) {
    console.error(`vitest-perf driver: ${(e as Error).message}\n${HELP}`)
    return 2
  }
  const { redis, id, prefix, runs, root } = parsed.values
  const count = runs === undefined ? undefined : Number(runs)
  const giveUpMs = parsed.values['give-up'] === undefined ? undefined : parseDuration(parsed.values['give-up'])
  if (redis === undefined || !/^rediss?:\/\//.test(redis) || (count !== undefined && !(Number.isInteger(count) && count > 0))) {
    console.error(`vitest-perf driver: --redis takes a URL such as redis://127.0.0.1:6379; --runs a whole number above 0.\n${HELP}`)
    return 2
  }
  if (giveUpMs !== undefined && !(giveUpMs > 0)) {
    console.error(`vitest-perf driver: --give-up takes a duration such as 30s or 5m.\n${HELP}`)
    return 2
  }
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    const key = loadKey(parsed.values['key-file'])
    return await runDriver({ redis, id, prefix, runs: count, key, root, giveUpMs, signal: controller.signal })
  } catch (e) {
    console.error(
      e instanceof PerfError
        ? `vitest-perf driver: ${e.code}: ${e.message}`
        : redact(e instanceof Error ? (e.stack ?? e.message) : String(e)),
    )
    return 1
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    // Clients a load module opened (pools, sockets) must not keep a finished driver alive.
    setTimeout(() => process.exit(), 500).unref()
  }
}
