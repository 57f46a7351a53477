import { parseDuration } from '../core/duration.ts'
import { PerfConfigError } from '../core/errors.ts'
import type { RunResult } from '../core/result.ts'

export function checkRecovery(result: RunResult, limit: string | number): { pass: boolean; message: () => string } {
  const ms = parseDuration(limit)
  if (ms === undefined)
    throw new PerfConfigError([{ path: 'toRecoverWithin', message: `cannot parse ${JSON.stringify(limit)}: use '5s'` }], 'recovery limit')
  const faults = result.faults ?? []
  if (faults.length === 0)
    throw new PerfConfigError(
      [
        {
          path: 'result.faults',
          message: "is empty: schedule faults in the run, run(config, fn, { faults: [{ at: '5s', duration: '3s', fault }] })",
        },
      ],
      'recovery check',
    )
  const late = faults.filter((f) => f.recoveryMs === null || f.recoveryMs > ms)
  const describe = faults
    .map(
      (f) =>
        `  - ${f.name} ${f.start.toFixed(1)}s–${f.end.toFixed(1)}s: ${f.errors} errors in ${f.iterations} iterations during it; recovered ${f.recoveryMs === null ? 'never' : `after ${f.recoveryMs} ms`} (before: error rate ${(f.before.errorRate * 100).toFixed(2)}%, p95 ${f.before.p95.toFixed(2)}ms)${f.error ? `; ${f.error}` : ''}`,
    )
    .join('\n')
  return {
    pass: late.length === 0,
    message: () =>
      late.length
        ? `${late.length} of ${faults.length} faults not recovered within ${limit}:\n${describe}`
        : `All ${faults.length} faults recovered within ${limit}:\n${describe}`,
  }
}
