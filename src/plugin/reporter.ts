import path from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { META_KEY, type RunResult } from '../metrics/result.ts'
import type { PerfTestEntry } from '../reporters/collect.ts'
import { formatSummary } from '../reporters/console.ts'
import { writeResultsJson } from '../reporters/json.ts'
import { resolveKpi, type KpiOverrides } from '../reporters/kpi.ts'
import { formatMarkdown } from '../reporters/markdown.ts'
import { appendStepSummary, stepSummaryFile, writeReports } from '../reporters/write-reports.ts'
import type { ResolvedPerfOptions } from './options.ts'

/** Collects the RunResults that workers attached to task meta, prints them and writes the files. */
export class PerfReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly options: ResolvedPerfOptions

  constructor(options: ResolvedPerfOptions) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const entries: PerfTestEntry[] = []
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const results = test.meta()[META_KEY as keyof ReturnType<typeof test.meta>] as unknown as RunResult[] | undefined
        if (!results?.length) continue
        entries.push({
          project: module.project.name,
          file: path.relative(this.vitest?.config.root ?? process.cwd(), module.moduleId),
          test: test.fullName,
          state: test.result().state,
          results,
        })
      }
    }
    if (entries.length === 0) return
    const root = this.vitest?.config.root ?? process.cwd()
    const dir = path.resolve(root, this.options.results)
    const file = await writeResultsJson(dir, entries)
    const log = (text: string) => (this.vitest ? this.vitest.logger.log(text) : console.log(text))
    if (this.options.summary) log(`\n${formatSummary(entries)}\n`)
    const kpi = resolveKpi(this.options.kpi as KpiOverrides)
    const summaryFile = this.options.githubSummary ? stepSummaryFile() : undefined
    // results.json is on disk before any report runs: a failing report never costs the data.
    try {
      const reports = await writeReports(dir, entries, { formats: this.options.reports, kpi })
      log(`vitest-perf: wrote ${[file, ...reports].map((f) => path.relative(root, f)).join(', ')}`)
    } finally {
      if (summaryFile) await appendStepSummary(summaryFile, formatMarkdown(entries, { kpi }))
    }
  }
}
