import { parseArgs } from 'node:util'
import { compareRepetitions } from '../baselines/compare.ts'
import { type BaselineComparison } from '../core/result.ts'
import { formatComparison, formatComparisonMarkdown } from '../baselines/format.ts'
import { loadModel, loadModelDifferences } from '../baselines/load-model.ts'
import { baselineKey } from '../baselines/matcher.ts'
import { summarizeRepetition } from '../run/repetitions.ts'
import { baselineEntry, readBaselines } from '../baselines/store.ts'
import { PerfBaselineError } from '../core/errors.ts'
import { escapeMarkdown } from '../core/escape.ts'
import type { ResultsFile } from '../reporters/collect.ts'
import { INTERRUPTED_HEADLINE } from '../reporters/run-rows.ts'

const HELP = 'usage: vitest-perf compare <baselines/<test file>.json> <perf-results/results.json> [--format text|md] [--alpha 0.01]'

/**
 * `vitest-perf compare`: each run of a results file against the committed baseline of the same
 * test, with the same verdict as toMatchBaseline(). Exits 1 when any run regressed.
 */
export async function compareCommand(args: string[], read: (file: string) => Promise<ResultsFile>): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, alpha: { type: 'string' } },
    })
  } catch (e) {
    console.error(`vitest-perf compare: ${(e as Error).message}\n${HELP}`)
    return 2
  }
  const [baselineFile, resultsFile] = parsed.positionals
  const format = parsed.values.format
  const alpha = parsed.values.alpha === undefined ? undefined : Number(parsed.values.alpha)
  if (parsed.positionals.length !== 2 || (format !== 'text' && format !== 'md') || (alpha !== undefined && !(alpha > 0 && alpha < 1))) {
    console.error(
      `vitest-perf compare: give a baseline file and a results file; --format is text or md; --alpha is between 0 and 1.\n${HELP}`,
    )
    return 2
  }
  const baselines = await readBaselines(baselineFile)
  if (!baselines)
    throw new PerfBaselineError(
      'PERF_BASELINE_MISSING',
      `${baselineFile} does not exist. Baselines are written by toMatchBaseline() when run by hand (or with vitest run -u).`,
    )
  const { entries, interrupted } = await read(resultsFile)
  const blocks: string[] = []
  let regressions = 0
  let compared = 0
  for (const entry of entries) {
    for (const result of entry.results) {
      const key = baselineKey(entry.test, result.name)
      const base = baselineEntry(baselines, key)
      if (!base) continue
      const title = `"${format === 'md' ? escapeMarkdown(key) : key}"`
      if (result.state === 'interrupted') {
        blocks.push(`${title}: not compared, it was interrupted before its end (partial figures, no histograms)`)
        continue
      }
      const differences = loadModelDifferences(base.loadModel, loadModel(result.config))
      if (differences.length) {
        blocks.push(`${title}: not compared, the load model differs:\n${differences.map((d) => `  - ${d}`).join('\n')}`)
        continue
      }
      const comparison: BaselineComparison = compareRepetitions(
        base.repetitions,
        result.repetitions ?? [summarizeRepetition(result)],
        result.config.executor,
        alpha === undefined ? {} : { alpha },
      )
      compared++
      if (comparison.verdict === 'REGRESSION') regressions++
      blocks.push(format === 'md' ? formatComparisonMarkdown(comparison, title) : formatComparison(comparison, title))
    }
  }
  const head = [
    ...(interrupted ? [`${INTERRUPTED_HEADLINE}: ${resultsFile} is from a run stopped before its end`] : []),
    `${compared} run${compared === 1 ? '' : 's'} compared with ${baselineFile}, ${regressions} regressed`,
  ]
  console.log(
    format === 'md'
      ? `### vitest-perf compare\n\n${head.join('\n\n')}\n\n${blocks.join('\n\n')}`
      : `${head.join('\n')}\n\n${blocks.join('\n\n')}`,
  )
  return regressions > 0 ? 1 : 0
}
