import { appendFileSync } from 'node:fs'
import path from 'node:path'
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import type { ProgressEvent } from '../core/progress-event.ts'
import { redactDeep } from '../core/redact.ts'
import { META_KEY, type RunResult } from '../core/result.ts'
import type { PerfTestEntry } from '../reporters/collect.ts'
import { formatSummary } from '../reporters/console.ts'
import { writeResultsJson, writeResultsJsonSync } from '../reporters/json.ts'
import { resolveKpi, type KpiOverrides } from '../reporters/kpi.ts'
import { formatMarkdown } from '../reporters/markdown.ts'
import { RunsInProgress } from '../reporters/partial.ts'
import { PREVIOUS_DIR, setAsidePrevious } from '../reporters/previous-results.ts'
import { appendStepSummary, stepSummaryFile, writeReports, writeReportsSync } from '../reporters/write-reports.ts'
import type { ResolvedPerfOptions } from './options.ts'

/** idle: no test run yet; running: from its start until its files are written; ended: after that. */
type Phase = 'idle' | 'running' | 'ended'

interface TestSoFar {
  test: TestCase
  finished: boolean
  entry?: PerfTestEntry
}

function resultsOf(test: TestCase): RunResult[] | undefined {
  return test.meta()[META_KEY as keyof ReturnType<typeof test.meta>] as unknown as RunResult[] | undefined
}

/**
 * Collects the RunResults that workers attached to task meta, prints them and writes the files.
 * While a run goes it keeps the finished tests and the progress of running ones, so that an
 * interrupted run (`interrupt()`, from the SIGINT handler) still prints and writes what it measured.
 */
export class PerfReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly options: ResolvedPerfOptions
  private readonly tests = new Map<string, TestSoFar>()
  private readonly running = new RunsInProgress()
  private phase: Phase = 'idle'

  constructor(options: ResolvedPerfOptions) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  private get root(): string {
    return this.vitest?.config.root ?? process.cwd()
  }

  private get dir(): string {
    return path.resolve(this.root, this.options.results)
  }

  private log(text: string): void {
    if (this.vitest) this.vitest.logger.log(text)
    else console.log(text)
  }

  private identity(test: TestCase): Pick<PerfTestEntry, 'project' | 'file' | 'test'> {
    return { project: test.module.project.name, file: path.relative(this.root, test.module.moduleId), test: test.fullName }
  }

  private entryOf(test: TestCase): PerfTestEntry | undefined {
    const results = resultsOf(test)
    return results?.length ? { ...this.identity(test), state: test.result().state, results } : undefined
  }

  /** The files of the run before leave the results folder now: nothing there may pass for this run's. */
  private setAside(): void {
    try {
      setAsidePrevious(this.dir)
    } catch (error) {
      this.vitest?.logger.error(
        `vitest-perf: could not move the previous results to ${path.join(this.dir, PREVIOUS_DIR)}: ${String(error)}`,
      )
    }
  }

  onTestRunStart(): void {
    this.tests.clear()
    this.running.clear()
    this.phase = 'running'
    this.setAside()
  }

  onTestCaseReady(test: TestCase): void {
    this.tests.set(test.id, { test, finished: false })
  }

  onTestCaseResult(test: TestCase): void {
    this.tests.set(test.id, { test, finished: true, entry: this.entryOf(test) })
    this.running.forget(test.id)
  }

  /** Each closed second of a run in a worker (the broker's progress route). */
  progress(event: ProgressEvent): void {
    // A late event of a test that already finished would bring its run back as a partial one.
    if (this.phase !== 'running' || (event.testId !== undefined && this.tests.get(event.testId)?.finished)) return
    this.running.record(event)
  }

  /** Finished tests with their results, then the running ones with what their progress said. */
  private entriesSoFar(): PerfTestEntry[] {
    const partial = this.running.byTest()
    const entries: PerfTestEntry[] = []
    for (const [id, { test, finished, entry }] of this.tests) {
      if (entry) entries.push(entry)
      const results = partial.get(id)
      partial.delete(id)
      if (!finished && results) entries.push({ ...this.identity(test), state: 'interrupted', results })
    }
    // Runs outside any test (beforeAll) or of a test Vitest had not announced yet.
    for (const results of partial.values()) {
      for (const r of results) entries.push({ project: '', file: '', test: r.name ?? 'run', state: 'interrupted', results: [r] })
    }
    return entries
  }

  /**
   * SIGINT or SIGTERM: Vitest exits 1 ms after its own handler, so this is all synchronous. Prints
   * what was measured so far and writes results.json and the reports, marked interrupted. Before
   * the first run it only moves the older files aside; after a run's end it does nothing.
   */
  interrupt(signal: NodeJS.Signals): void {
    if (this.phase === 'idle') this.setAside()
    if (this.phase !== 'running') return
    this.phase = 'ended'
    // Results are redacted where they are made; test names and older results may still hold a password.
    const entries = redactDeep(this.entriesSoFar())
    if (entries.length === 0) {
      this.log(`\nvitest-perf: ${signal} before any perf run reported a measurement; nothing written`)
      return
    }
    if (this.options.summary) this.log(`\nvitest-perf: ${signal}: measured so far\n${formatSummary(entries, { interrupted: true })}\n`)
    const kpi = resolveKpi(this.options.kpi as KpiOverrides)
    const written: string[] = []
    try {
      written.push(writeResultsJsonSync(this.dir, entries, { signal }))
      written.push(...writeReportsSync(this.dir, entries, { formats: this.options.reports, kpi, interrupted: true }))
    } catch (error) {
      this.vitest?.logger.error(String(error instanceof Error ? error.message : error))
    }
    const summaryFile = this.options.githubSummary ? stepSummaryFile() : undefined
    if (summaryFile) {
      try {
        appendFileSync(summaryFile, `${formatMarkdown(entries, { kpi, interrupted: true })}\n`)
      } catch {
        // The step summary is a courtesy; the files above are what counts.
      }
    }
    if (written.length)
      this.log(`vitest-perf: wrote ${written.map((f) => path.relative(this.root, f)).join(', ')} (interrupted: partial results)`)
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors?: unknown, reason?: TestRunEndReason): Promise<void> {
    const collected: PerfTestEntry[] = []
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const entry = this.entryOf(test)
        if (entry) collected.push(entry)
      }
    }
    // Results are redacted where they are made; test names and older results may still hold a password.
    const entries = redactDeep(collected)
    if (entries.length === 0 || this.phase === 'ended') {
      this.phase = 'ended'
      return
    }
    // Vitest cancelled the run (watch mode's Ctrl-C, --bail): the tests it did not run are missing.
    const interrupted = reason === 'interrupted'
    const dir = this.dir
    const file = await writeResultsJson(dir, entries, interrupted ? {} : undefined)
    if (this.options.summary) this.log(`\n${formatSummary(entries, { interrupted })}\n`)
    const kpi = resolveKpi(this.options.kpi as KpiOverrides)
    const summaryFile = this.options.githubSummary ? stepSummaryFile() : undefined
    // results.json is on disk before any report runs: a failing report never costs the data.
    try {
      const reports = await writeReports(dir, entries, { formats: this.options.reports, kpi, interrupted })
      this.log(`vitest-perf: wrote ${[file, ...reports].map((f) => path.relative(this.root, f)).join(', ')}`)
    } finally {
      this.phase = 'ended'
      if (summaryFile) await appendStepSummary(summaryFile, formatMarkdown(entries, { kpi, interrupted }))
    }
  }
}
