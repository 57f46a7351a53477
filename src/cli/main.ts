#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PerfError } from '../errors.ts'
import type { PerfTestEntry } from '../reporters/collect.ts'
import { normalizeEntries } from '../reporters/normalize.ts'
import { reportCommand } from './report.ts'
import { compareCommand } from './compare.ts'
import { driverCommand } from './driver.ts'

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
  driver --redis <url>    serve distributed runs (docs/distributed.md) until SIGINT/SIGTERM
      --id <name>           driver name (default: host-pid)
      --prefix <p>          Redis key prefix, as distributed.prefix (default vitest-perf)
      --runs <n>            exit after n runs

Options:
  -h, --help              show this help
  -v, --version           print the version`

export async function readResults(file: string): Promise<PerfTestEntry[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new PerfError('PERF_RESULTS_UNREADABLE', `Cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). Run the perf tests first; the reporter writes perf-results/results.json.`)
  }
  let parsed: { version?: unknown; tests?: unknown }
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new PerfError('PERF_RESULTS_UNREADABLE', `${file} is not valid JSON. It may have been cut short or edited by hand; run the perf tests again to rewrite it.`)
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.tests)) {
    throw new PerfError('PERF_RESULTS_UNREADABLE', `${file} is not a vitest-perf results file of version 1 (found version ${JSON.stringify(parsed.version)}).`)
  }
  return normalizeEntries(parsed.tests)
}

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
      console.error(error instanceof PerfError ? `${error.code}: ${error.message}` : error)
      process.exitCode = 1
    },
  )
}
