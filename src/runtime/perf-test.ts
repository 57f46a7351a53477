import { test, type TestAPI, type TestContext } from 'vitest'
import type { LoadConfig, ScenariosInput } from '../core/load-config.ts'
import type { Workflow } from '../engine/context.ts'
import type { LoadModule, ScenarioWorkflows } from '../engine/load-module.ts'
import { runLoad } from '../run/run-load.ts'
import { type RunOptions } from '../run/options.ts'
import type { RunResult } from '../core/result.ts'
import { PerfThresholdError } from '../core/errors.ts'
import { formatThresholdTable } from '../thresholds/evaluate.ts'
import { attachResult } from './current-test.ts'
import { annotateRun } from './annotate.ts'
import { FileInfra, infraUsedBy, watchedBy, type DatabaseFixture } from './infra-fixtures.ts'
import { trackedFaults, type Faults } from '../faults/catalog.ts'

/** runLoad() bound to the test: the same two forms, one executor's config or scenarios. */
export interface RunFn {
  <S extends string>(config: ScenariosInput<S>, workflows: ScenarioWorkflows<NoInfer<S>>, options?: RunOptions): Promise<RunResult>
  (config: LoadConfig, workflow: Workflow | LoadModule, options?: RunOptions): Promise<RunResult>
}

export interface PerfFixtures {
  /**
   * runLoad bound to the test: named after it, aborted with it, its result attached for the
   * reporter and annotated on the test. Thresholds in the config that fail make the test fail
   * with their table.
   */
  run: RunFn
  /** A PostgreSQL database of this test file's own (provider chain: url → testcontainers → local → embedded). */
  postgres: DatabaseFixture
  /** A MySQL/MariaDB database of this test file's own. */
  mysql: DatabaseFixture
  /** A Redis db index and key prefix of this test file's own. */
  redis: DatabaseFixture
  /** A MongoDB database of this test file's own. */
  mongodb: DatabaseFixture
  /** Fault factories whose faults are all stopped when the test ends. */
  faults: Faults
}

interface FileFixtures {
  infra: FileInfra
}

function createPerfTest() {
  return test.extend<{ $test: PerfFixtures; $file: FileFixtures }>({
    infra: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const infra = new FileInfra()
        await use(infra)
        await infra.releaseAll()
      },
      { scope: 'file' },
    ],
    postgres: async ({ infra, skip, task }, use) => use(await infra.get('postgres', skip, task)),
    mysql: async ({ infra, skip, task }, use) => use(await infra.get('mysql', skip, task)),
    redis: async ({ infra, skip, task }, use) => use(await infra.get('redis', skip, task)),
    mongodb: async ({ infra, skip, task }, use) => use(await infra.get('mongodb', skip, task)),
    // eslint-disable-next-line no-empty-pattern
    faults: async ({}, use) => {
      const tracked = trackedFaults()
      try {
        await use(tracked.api)
      } finally {
        await tracked.stopAll()
      }
    },
    run: async ({ task, signal, annotate }: TestContext, use: (run: RunFn) => Promise<void>) => {
      const holder = task as unknown as { meta: Record<string, unknown> }
      let index = 0
      const run = async (
        config: LoadConfig | ScenariosInput,
        workflow: Workflow | LoadModule | ScenarioWorkflows,
        options: RunOptions = {},
      ) => {
        const name = options.name ?? config.name ?? (index++ === 0 ? task.name : `${task.name} #${index}`)
        const linked = options.signal ? AbortSignal.any([options.signal, signal]) : signal
        const monitor = options.monitor === false ? false : { servers: watchedBy(task), ...options.monitor }
        const runOptions: RunOptions = { ...options, name, signal: linked, attach: false, monitor }
        // One call, either form: runLoad() tells them apart (and validates the pair) itself.
        const result = await (runLoad as (c: typeof config, w: typeof workflow, o: RunOptions) => Promise<RunResult>)(
          config,
          workflow,
          runOptions,
        )
        const used = infraUsedBy(task)
        if (used.length > 0) result.infra = used
        attachResult(result, holder)
        // After the run, so it costs the load nothing; before a threshold failure, which shows it too.
        await annotateRun(result, { name: task.name, annotate })
        const failed = result.thresholds.filter((t) => !t.ok)
        if (failed.length > 0) {
          const aborted =
            result.abort?.reason === 'threshold'
              ? ` The run was aborted early (${result.abort.detail}) after ${result.iterations} iterations.`
              : ''
          throw new PerfThresholdError(
            `${failed.length} of ${result.thresholds.length} thresholds failed for "${name}".${aborted}\n${formatThresholdTable(result.thresholds)}`,
          )
        }
        return result
      }
      await use(run as RunFn)
    },
  })
}

/** `test` with the perf fixtures; the file-scoped `infra` fixture behind them stays internal. */
export type PerfTestAPI = TestAPI<PerfFixtures>
// Inside a Vitest worker the module is imported at the top level of a test file, which is
// where file-scoped fixtures must be defined; elsewhere it is created on first use.
let created: PerfTestAPI | undefined = process.env.VITEST ? createPerfTest() : undefined
const real = (): PerfTestAPI => (created ??= createPerfTest())

/**
 * `test` extended with the perf fixtures. Created on first use, because test.extend() needs a
 * running Vitest: importing 'vitest-perf' (for runLoad) from a plain script must still work.
 */
export const perfTest: PerfTestAPI = new Proxy(function perfTest() {} as unknown as PerfTestAPI, {
  apply: (_target, thisArg, args) => Reflect.apply(real() as unknown as (...a: unknown[]) => unknown, thisArg, args),
  get: (_target, property) => Reflect.get(real() as object, property),
})
