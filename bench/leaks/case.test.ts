import { writeFileSync } from 'node:fs'
import { perfTest } from 'vitest-perf'
import { checkNoLeak } from '../../src/monitor/matchers.ts'
import { WORKLOADS } from './workloads.ts'

// One case of the leak corpus, described by bench/leaks.ts in VITEST_PERF_LEAK_CASE: the run and
// the default toHaveNoLeak() judgement of it, written where the runner reads it.
const spec = JSON.parse(process.env.VITEST_PERF_LEAK_CASE ?? '{"workload":"idle","seconds":15}') as {
  workload: string
  seconds: number
  precise?: boolean
  output?: string
}

perfTest(`leak corpus: ${spec.workload}, ${spec.seconds} s`, async ({ run }) => {
  const workload = WORKLOADS[spec.workload]
  const result = await run(
    { ...workload.config, duration: `${spec.seconds}s`, name: spec.workload },
    workload.iteration,
    spec.precise ? { monitor: { preciseHeap: true } } : {},
  )
  const outcome = checkNoLeak(result)
  const record = {
    ...spec,
    pass: outcome.pass,
    message: outcome.message(),
    notes: outcome.notes,
    iterations: result.iterations,
    resources: result.resources,
  }
  if (spec.output) writeFileSync(spec.output, JSON.stringify(record))
  else console.log(record.message)
})
