import { expect, inject } from 'vitest'
import type { BaselineContext } from '../baselines/matcher.ts'
import { PerfBaselineError } from '../core/errors.ts'

/** The running test's file and name, and where baselines live, as toMatchBaseline() needs them. */
export function baselineContext(): BaselineContext {
  const state = expect.getState()
  const options = inject('vitest-perf:options')
  if (!state.testPath || !state.currentTestName || !options) {
    throw new PerfBaselineError(
      'PERF_BASELINE_CONTEXT',
      'toMatchBaseline() needs a running Vitest test with the perf() plugin (plugins: [perf()] in vitest.config.ts). Outside Vitest, compare results with `vitest-perf compare`.',
    )
  }
  const update = process.env.VITEST_PERF_UPDATE === '1' ? 'all' : options.update
  return { root: options.root, baselines: options.baselines, testPath: state.testPath, testName: state.currentTestName, update }
}
