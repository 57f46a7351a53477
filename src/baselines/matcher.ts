import { PerfBaselineError, PerfRegressionError } from '../errors.ts'
import type { RunResult } from '../metrics/result.ts'
import { compareRepetitions, type BaselineComparison, type CompareOptions } from './compare.ts'
import { environmentDifferences, fingerprint } from './environment.ts'
import { formatComparison } from './format.ts'
import { loadModel, loadModelDifferences } from './load-model.ts'
import { RERUN, summarizeRepetition, type RepetitionSummary } from './repetitions.ts'
import { baselinePath, readBaselines, writeBaselineEntry } from './store.ts'
import { mergeEncoded } from '../metrics/histogram.ts'

export interface BaselineOptions extends CompareOptions {
  /** When the environment differs from the baseline's: refuse, warn (default), or scale latencies by the calibration scores. */
  environment?: 'refuse' | 'warn' | 'normalize'
  /** Extra rounds of repetitions measured when the verdict is INCONCLUSIVE (default 2). */
  maxReruns?: number
  /** Fail the test when still INCONCLUSIVE after the reruns (default false: reported, not failed). */
  failOnInconclusive?: boolean
  /** Entry name inside the test file's baseline file (default: the full test name). */
  key?: string
}

/** Where the baseline lives and whether it may be written, from the running Vitest test. */
export interface BaselineContext {
  root: string
  baselines: string
  testPath: string
  testName: string
  /** Vitest's snapshot update mode: 'all' with -u, 'new' by hand, 'none' under CI. */
  update: 'all' | 'new' | 'none'
}

type Rerun = (n: number) => Promise<RunResult[]>

/** The entry name of a run in its test file's baseline file: the full test name, plus [run name] when it differs. */
export function baselineKey(testName: string, runName: string | undefined): string {
  return runName && !testName.endsWith(runName) ? `${testName} [${runName}]` : testName
}

function repetitionsOf(result: RunResult): RepetitionSummary[] {
  return result.repetitions ?? [summarizeRepetition(result)]
}

/**
 * Compares a result with its committed baseline; writes the baseline when missing (not under CI)
 * or when updating. Throws PerfRegressionError with the comparison table on a regression.
 */
export async function matchBaseline(result: RunResult, ctx: BaselineContext, options: BaselineOptions = {}): Promise<BaselineComparison> {
  const file = baselinePath(ctx.root, ctx.baselines, ctx.testPath)
  const key = options.key ?? baselineKey(ctx.testName, result.name)
  const environment = fingerprint(result.infra)
  const model = loadModel(result.config)
  const write = async (note: string): Promise<BaselineComparison> => {
    await writeBaselineEntry(file, key, { createdAt: new Date().toISOString(), loadModel: model, environment, repetitions: repetitionsOf(result) })
    const comparison: BaselineComparison = { verdict: 'PASS', metrics: [], repetitions: { baseline: 0, current: repetitionsOf(result).length }, alpha: options.alpha ?? 0.01, recommendations: [], notes: [note] }
    result.baseline = comparison
    return comparison
  }
  if (ctx.update === 'all') return write(`baseline updated in ${file}`)
  const entry = (await readBaselines(file))?.entries[key]
  if (!entry) {
    if (ctx.update === 'none') {
      throw new PerfBaselineError('PERF_BASELINE_MISSING', `No baseline for "${key}" in ${file}, and missing baselines are not written under CI (as Vitest does with snapshots). Record it locally with \`vitest run -u\` (or VITEST_PERF_UPDATE=1) and commit ${file}.`)
    }
    return write(`baseline written to ${file}: commit it`)
  }
  const differences = loadModelDifferences(entry.loadModel, model)
  if (differences.length) {
    throw new PerfBaselineError('PERF_BASELINE_LOAD_MODEL', `The baseline of "${key}" was measured under another load model; results of different load models are not comparable:\n${differences.map((d) => `  - ${d}`).join('\n')}\nRestore the load config, or record a new baseline with \`vitest run -u\`.`)
  }
  const envDiff = environmentDifferences(entry.environment, environment)
  const policy = options.environment ?? 'warn'
  if (envDiff.length && policy === 'refuse') {
    throw new PerfBaselineError('PERF_BASELINE_ENVIRONMENT', `The baseline of "${key}" was measured on another environment:\n${envDiff.map((d) => `  - ${d}`).join('\n')}\nRecord a baseline on this machine (\`vitest run -u\`), or use toMatchBaseline({ environment: 'warn' | 'normalize' }).`)
  }
  const latencyScale = policy === 'normalize' ? entry.environment.calibration / environment.calibration : 1
  const notes = [
    ...(envDiff.length ? [`environment differs from the baseline's: ${envDiff.join('; ')}`] : []),
    ...(policy === 'normalize' ? [`latencies scaled by ${latencyScale.toFixed(3)} (calibration ${entry.environment.calibration} → ${environment.calibration})`] : []),
  ]
  const reps = repetitionsOf(result)
  let comparison = compareRepetitions(entry.repetitions, reps, result.config.executor, { ...options, latencyScale })
  const rerun = (result as unknown as Record<symbol, Rerun | undefined>)[RERUN]
  for (let round = 0; comparison.verdict === 'INCONCLUSIVE' && rerun && round < (options.maxReruns ?? 2); round++) {
    const more = await rerun(Math.max(reps.length, 3))
    reps.push(...more.map(summarizeRepetition))
    result.repetitions = reps
    comparison = compareRepetitions(entry.repetitions, reps, result.config.executor, { ...options, latencyScale })
    comparison.notes.push(`inconclusive at first: measured ${more.length} more repetitions (round ${round + 1})`)
  }
  comparison.notes.push(...notes)
  comparison.latencyHistogram = mergeEncoded(entry.repetitions.map((r) => r.histograms.latency))
  result.baseline = comparison
  const title = `against the baseline of "${key}" in ${file}`
  if (comparison.verdict === 'REGRESSION') throw new PerfRegressionError(formatComparison(comparison, title))
  if (comparison.verdict === 'INCONCLUSIVE' && options.failOnInconclusive) throw new PerfRegressionError(formatComparison(comparison, title))
  return comparison
}
