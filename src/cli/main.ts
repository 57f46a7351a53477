#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PerfError } from '../core/errors.ts'
import { redact } from '../core/redact.ts'
import { readResults } from './read-results.ts'
import { reportCommand } from './report.ts'
import { compareCommand } from './compare.ts'
import { driverCommand } from './driver.ts'
import { abCommand } from './ab.ts'

export { readResults }

const USAGE = `Usage: vitest-perf <command> [options]

Commands:
  report <results.json>   print the summary of a results file and write its reports again
      --out <dir>           folder for report.md, report.html, summary.csv (default: beside the file)
      --format <list>       any of md,html,csv,console (default: all four)
      --kpi <file.json>     KPI grade bounds, as the kpi option of perf()
      --no-step-summary     do not append report.md to $GITHUB_STEP_SUMMARY
  compare <baseline.json> <results.json>
                          each run against its committed baseline; exits 1 on a regression
      --format text|md      md for a pull-request comment
      --alpha <p>           significance level (default 0.01)
  ab --base <git ref> [-- <vitest args>]
                          the selected perf tests of the base revision and of the work tree,
                          in turns repetition by repetition (ABBA), judged in pairs; exits 1 on
                          a regression or a failed test (docs/baselines.md)
      --out <dir>           folder for report.md, results.json, the Vitest logs (default perf-results/ab)
      --alpha <p>           significance level (default 0.01)
      --normalize           when the machine probe says one side ran on a slower machine, scale
                            the head's timings by it instead of holding them back as INCONCLUSIVE
      --timeout <s>         longest wait for one turn (default 600)
  driver --redis <url>    serve distributed runs (docs/distributed.md) until SIGINT/SIGTERM
      --id <name>           driver name (default: host-pid)
      --prefix <p>          Redis key prefix, as distributed.prefix (default vitest-perf)
      --runs <n>            exit after n runs
      --key-file <file>     key signing the control plane (default: VITEST_PERF_DRIVER_KEY)
      --root <dir>          load modules only under this folder (default: the working directory)
      --give-up <duration>  exit 1 when Redis stays unreachable this long between runs (default 5m)

Options:
  -h, --help              show this help
  -v, --version           print the version`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help') {
    console.log(USAGE)
    return command === undefined ? 1 : 0
  }
  if (command === '-v' || command === '--version') {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    console.log(pkg.version)
    return 0
  }
  if (command === 'report') return reportCommand(rest, readResults)
  if (command === 'compare') return compareCommand(rest, readResults)
  if (command === 'driver') return driverCommand(rest)
  if (command === 'ab') return abCommand(rest)
  console.error(`vitest-perf: unknown command "${command}".\n\n${USAGE}`)
  return 2
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(
        error instanceof PerfError
          ? `${error.code}: ${error.message}`
          : redact(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      )
      process.exitCode = 1
    },
  )
}
