import { test } from 'vitest'
import type { LoadConfig } from '../config/schemas.ts'
import type { Workflow } from '../engine/context.ts'
import { runLoad, type RunOptions } from '../engine/run-load.ts'
import type { RunResult } from '../metrics/result.ts'
import { PerfThresholdError } from '../errors.ts'
import { formatThresholdTable } from '../thresholds/evaluate.ts'
import { attachResult } from './current-test.ts'

export type RunFn = (config: LoadConfig, workflow: Workflow, options?: RunOptions) => Promise<RunResult>

export interface PerfFixtures {
  /**
   * runLoad bound to the test: named after it, aborted with it, its result attached for the
   * reporter. Thresholds in the config that fail make the test fail with their table.
   */
  run: RunFn
}

function createPerfTest() {
  return test.extend<PerfFixtures>({
    run: async ({ task, signal }, use) => {
      const holder = task as unknown as { meta: Record<string, unknown> }
      let index = 0
      const run: RunFn = async (config, workflow, options = {}) => {
        const name = options.name ?? config.name ?? (index++ === 0 ? task.name : `${task.name} #${index}`)
        const linked = options.signal ? AbortSignal.any([options.signal, signal]) : signal
        const result = await runLoad(config, workflow, { ...options, name, signal: linked })
        attachResult(result, holder)
        const failed = result.thresholds.filter((t) => !t.ok)
        if (failed.length > 0) {
          const aborted = result.abort?.reason === 'threshold' ? ` The run was aborted early (${result.abort.detail}) after ${result.iterations} iterations.` : ''
          throw new PerfThresholdError(`${failed.length} of ${result.thresholds.length} thresholds failed for "${name}".${aborted}\n${formatThresholdTable(result.thresholds)}`)
        }
        return result
      }
      await use(run)
    },
  })
}

type PerfTestAPI = ReturnType<typeof createPerfTest>
let created: PerfTestAPI | undefined
const real = (): PerfTestAPI => (created ??= createPerfTest())

/**
 * `test` extended with the perf fixtures. Created on first use, because test.extend() needs a
 * running Vitest: importing 'vitest-perf' (for runLoad) from a plain script must still work.
 */
export const perfTest: PerfTestAPI = new Proxy(function perfTest() {} as unknown as PerfTestAPI, {
  apply: (_target, thisArg, args) => Reflect.apply(real() as unknown as (...a: unknown[]) => unknown, thisArg, args),
  get: (_target, property) => Reflect.get(real() as object, property),
})
