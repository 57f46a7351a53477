import { parseArgs } from 'node:util'
import { runDriver } from '../distributed/driver.ts'

const HELP = 'usage: vitest-perf driver --redis <url> [--id <name>] [--prefix vitest-perf] [--runs <n>]'

/** `vitest-perf driver`: serves distributed runs until SIGINT/SIGTERM (or --runs are done). */
export async function driverCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: { redis: { type: 'string' }, id: { type: 'string' }, prefix: { type: 'string' }, runs: { type: 'string' } } })
  } catch (e) {
    console.error(`vitest-perf driver: ${(e as Error).message}\n${HELP}`)
    return 2
  }
  const { redis, id, prefix, runs } = parsed.values
  const count = runs === undefined ? undefined : Number(runs)
  if (redis === undefined || !/^rediss?:\/\//.test(redis) || (count !== undefined && !(Number.isInteger(count) && count > 0))) {
    console.error(`vitest-perf driver: --redis takes a URL such as redis://127.0.0.1:6379; --runs a whole number above 0.\n${HELP}`)
    return 2
  }
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await runDriver({ redis, id, prefix, runs: count, signal: controller.signal })
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    // Clients a load module opened (pools, sockets) must not keep a finished driver alive.
    setTimeout(() => process.exit(), 500).unref()
  }
}
