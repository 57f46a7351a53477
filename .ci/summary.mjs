// The end of CI's log: one FAILED line per failed test of every Vitest run (file, name, first line
// of the message), then the one summary line "N passed, N failed, N skipped" over all of them.
//
// Usage: node .ci/summary.mjs EXTRA_FAILED [LABEL REPORT STATUS ROOT]...
//   EXTRA_FAILED  failures outside Vitest to count (servers that survived the run)
//   LABEL         '' for the main run; the compat pair's FAILED lines start with "[LABEL] "
//   REPORT        Vitest's JSON report of that run
//   STATUS        Vitest's exit status: non-zero with no failed test counts one failure
//   ROOT          the directory the report's file names are relative to
import { readFileSync } from 'node:fs'

const [extra, ...rest] = process.argv.slice(2)
const first = (text) =>
  String(text ?? '')
    .split('\n')[0]
    .slice(0, 300)
const totals = { passed: 0, failed: Number(extra) || 0, skipped: 0 }

for (let i = 0; i < rest.length; i += 4) {
  const [label, report, status, root] = rest.slice(i, i + 4)
  const prefix = label ? `[${label}] ` : ''
  const rel = (name) => String(name).replace(`${root}/`, '')
  let r
  try {
    r = JSON.parse(readFileSync(report, 'utf8'))
  } catch {
    console.log(`FAILED ${prefix}no test report at ${report} (Vitest exited with ${status})`)
    totals.failed += 1
    continue
  }
  for (const file of r.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed')
    for (const t of failed) console.log(`FAILED ${prefix}${rel(file.name)} > ${t.fullName}: ${first((t.failureMessages ?? [])[0])}`)
    if (file.status === 'failed' && failed.length === 0) console.log(`FAILED ${prefix}${rel(file.name)}: ${first(file.message)}`)
  }
  const failed = r.numFailedTests ?? 0
  totals.passed += r.numPassedTests ?? 0
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  if (Number(status) !== 0 && failed === 0) {
    // Vitest failed outside any test (startup error, unhandled error): count it.
    console.log(`FAILED ${prefix}Vitest exited with ${status} outside any test`)
    totals.failed += 1
  } else totals.failed += failed
}

console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
