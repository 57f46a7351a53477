// The leak corpus: how often the default toHaveNoLeak() fails runs that keep nothing (false
// positives) and how often it fails runs that keep memory at a known rate (detection), by run length.
//   npm run bench:leaks                    (2 rounds of 7 workloads × 15, 30 and 60 s, 6 at a time: ~7 min)
//   npm run bench:leaks -- --rounds 10 --parallel 4 --lengths 15,30,60,120 --only idle,heap-1 --precise
//   VITEST_PERF_LEAK_ROUNDS=5 npm run bench:leaks
// Each case is a fresh `vitest run` of bench/leaks/case.test.ts with the perf() plugin (so the run is
// the first in a new test worker, progress going to the broker, as in a user's test file), a real
// run through the `run` fixture with the monitor on, then checkNoLeak(result) with the default
// limits. Cases run a few at a time, longest first; each writes its outcome and samples to the
// output directory (--out, default .tmp/leaks/<time>). --report <dir> judges those samples again
// with the current code, without running anything: for changes to the judgement.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { ResourceSample } from '../src/core/resource-sample.ts'
import type { RunResult } from '../src/core/result.ts'
import { checkNoLeak } from '../src/monitor/matchers.ts'
import { WORKLOADS } from './leaks/workloads.ts'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.VITEST_PERF_LEAK_ROUNDS ?? '2' },
    lengths: { type: 'string', default: '15,30,60' },
    parallel: { type: 'string', default: String(Math.max(2, Math.min(6, os.availableParallelism() * 3))) },
    only: { type: 'string' },
    precise: { type: 'boolean', default: false },
    out: { type: 'string' },
    report: { type: 'string' },
  },
})

interface Case {
  workload: string
  seconds: number
  round: number
  precise: boolean
  output: string
}
interface Outcome extends Case {
  pass: boolean
  message: string
  notes: string[]
  resources: ResourceSample[]
}

const root = new URL('..', import.meta.url).pathname
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')

function plan(dir: string): Case[] {
  const names = args.only ? args.only.split(',') : Object.keys(WORKLOADS)
  for (const name of names) if (!WORKLOADS[name]) throw new Error(`--only: no workload "${name}" (${Object.keys(WORKLOADS).join(', ')})`)
  const lengths = args.lengths.split(',').map(Number)
  const cases: Case[] = []
  for (let round = 1; round <= Number(args.rounds); round++)
    for (const workload of names)
      for (const seconds of lengths)
        cases.push({ workload, seconds, round, precise: args.precise, output: path.join(dir, `${workload}-${seconds}s-${round}.json`) })
  // Longest first, so the last few cases running alone are short ones.
  return cases.sort((a, b) => b.seconds - a.seconds || a.round - b.round)
}

function runCase(c: Case, dir: string): Promise<void> {
  const log = path.join(dir, path.basename(c.output, '.json') + '.log')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--config', 'bench/leaks/vitest.config.ts'], {
      cwd: root,
      env: { ...process.env, VITEST_PERF_LEAK_CASE: JSON.stringify(c), VITEST_PERF_LEAK_DIR: path.join(dir, 'vitest') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => chunks.push(d))
    child.stderr.on('data', (d: Buffer) => chunks.push(d))
    child.on('close', () => {
      writeFileSync(log, Buffer.concat(chunks))
      resolve()
    })
  })
}

async function runAll(cases: Case[], dir: string): Promise<void> {
  const parallel = Number(args.parallel)
  const total = cases.reduce((sum, c) => sum + c.seconds, 0)
  console.log(`${cases.length} cases, ${total} s of runs, ${parallel} at a time; outcomes in ${dir}`)
  const started = performance.now()
  process.on('exit', () => console.log(`\n${cases.length} cases in ${((performance.now() - started) / 60_000).toFixed(1)} min`))
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]
      await runCase(c, dir)
      done++
      const outcome = read(c)
      const verdict = outcome ? (outcome.pass ? 'pass' : 'FAIL') : 'no outcome (see the .log)'
      const elapsed = ((performance.now() - started) / 1000).toFixed(0)
      console.log(
        `  [${String(done).padStart(3)}/${cases.length}, ${elapsed.padStart(4)} s] ${c.workload} ${c.seconds} s #${c.round}: ${verdict}`,
      )
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
}

function read(c: Pick<Case, 'output'>): Outcome | undefined {
  try {
    return JSON.parse(readFileSync(c.output, 'utf8')) as Outcome
  } catch {
    return undefined
  }
}

const pct = (k: number, n: number) => (n ? `${k}/${n} (${Math.round((k / n) * 100)} %)` : '–')

function report(outcomes: Outcome[]): void {
  const lengths = [...new Set(outcomes.map((o) => o.seconds))].sort((a, b) => a - b)
  const rounds = Math.max(...outcomes.map((o) => o.round))
  const precise = outcomes.some((o) => o.precise)
  console.log(
    `\nnode ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)}; ${rounds} rounds; monitor ${precise ? 'preciseHeap' : 'default (no GC forced during the load)'}; default toHaveNoLeak() limits`,
  )
  console.log('ok:   workloads that keep nothing; failed = false positives.')
  console.log('leak: workloads that keep memory; failed = detected.')
  console.log('[n]: passing runs that said they could not judge a leak at the limit (too short, or garbage hiding it).\n')
  const head = ['workload'.padEnd(40), ...lengths.map((s) => `${s} s`.padEnd(18)), 'all']
  console.log(head.join(''))
  for (const [name, w] of Object.entries(WORKLOADS)) {
    const mine = outcomes.filter((o) => o.workload === name)
    if (!mine.length) continue
    const cell = (runs: Outcome[]) => {
      const failed = runs.filter((o) => !o.pass).length
      const short = runs.filter((o) => o.pass && o.notes.length > 0).length
      return `${pct(failed, runs.length)}${short ? ` [${short}]` : ''}`
    }
    const row = [
      `${w.leak ? 'leak' : 'ok  '} ${w.label}`.padEnd(40),
      ...lengths.map((s) => cell(mine.filter((o) => o.seconds === s)).padEnd(18)),
      cell(mine),
    ]
    console.log(row.join(''))
  }
  const failures = outcomes.filter((o) => !o.pass && WORKLOADS[o.workload]?.leak === 0)
  for (const o of failures) console.log(`\nfalse positive: ${o.workload} ${o.seconds} s #${o.round}:\n${o.message}`)
}

if (args.report) {
  const files = readdirSync(args.report).filter((f) => f.endsWith('.json'))
  const stored = files.map((f) => read({ output: path.join(args.report!, f) })).filter((o): o is Outcome => o !== undefined)
  report(
    stored.map((o) => {
      const outcome = checkNoLeak({ resources: o.resources } as RunResult)
      return { ...o, pass: outcome.pass, message: outcome.message(), notes: outcome.notes }
    }),
  )
} else {
  const dir = path.resolve(args.out ?? path.join(root, '.tmp/leaks', new Date().toISOString().replace(/[:.]/g, '-')))
  mkdirSync(dir, { recursive: true })
  const cases = plan(dir)
  await runAll(cases, dir)
  const outcomes = cases.map(read).filter((o): o is Outcome => o !== undefined)
  if (outcomes.length < cases.length)
    console.log(`\n${cases.length - outcomes.length} cases left no outcome: see their .log files in ${dir}`)
  report(outcomes)
}
