import { parseOptions } from '../config/zod-problems.ts'
import { PerfBaselineError, PerfConfigError, PerfRegressionError } from '../core/errors.ts'
import { baselineOptionsSchema } from './options-schema.ts'
import type { RunResult } from '../core/result.ts'
import { compareRepetitions, type CompareOptions } from './compare.ts'
import { type BaselineComparison } from '../core/result.ts'
import { environmentDifferences, fingerprint } from './environment.ts'
import { formatComparison } from './format.ts'
import { machineDrift } from './drift.ts'
import { loadModel, loadModelDifferences } from './load-model.ts'
import { rerunOf, summarizeRepetition } from '../run/repetitions.ts'
import { type RepetitionSummary } from '../core/result.ts'
import { baselinePath, readBaselines, writeBaselineEntry, baselineEntry } from './store.ts'
import { mergeEncoded } from '../metrics/histogram.ts'
import { median } from '../core/stats.ts'

export interface BaselineOptions extends CompareOptions {
  /**
   * When the environment differs from the baseline's: refuse, warn (default), or scale timings by
   * the machine probe (or, for baselines without it, the calibration scores).
   */
  environment?: 'refuse' | 'warn' | 'normalize'
  /** Extra rounds of repetitions measured when the verdict is INCONCLUSIVE (default 2). */
  maxReruns?: number
  /** Time all reruns together may take, as a duration ('60s') or ms (default 60 s). */
  maxRerunTime?: number | string
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
  // Checked, not replaced: the code below applies the same defaults where it reads an option.
  const checked = parseOptions(baselineOptionsSchema, options, { prefix: 'toMatchBaseline' })
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'toMatchBaseline() options')
  const file = baselinePath(ctx.root, ctx.baselines, ctx.testPath)
  const key = options.key ?? baselineKey(ctx.testName, result.name)
  const environment = fingerprint(result.infra)
  const model = loadModel(result.config)
  const write = async (note: string): Promise<BaselineComparison> => {
    // A run that stopped early measured part of its load: as a baseline it would misjudge every later run.
    if (result.state !== 'completed') {
      const why = result.abort ? `was aborted (${result.abort.reason}: ${result.abort.detail})` : `is ${result.state}`
      throw new PerfBaselineError(
        'PERF_BASELINE_PARTIAL',
        `Not writing the baseline of "${key}" to ${file}: the run ${why}, so it measured only part of its load. Baselines are written from completed runs only; remove the cause and run the test again.`,
      )
    }
    await writeBaselineEntry(file, key, {
      createdAt: new Date().toISOString(),
      loadModel: model,
      environment,
      repetitions: repetitionsOf(result),
    })
    const comparison: BaselineComparison = {
      verdict: 'PASS',
      metrics: [],
      repetitions: { baseline: 0, current: repetitionsOf(result).length },
      alpha: options.alpha ?? 0.01,
      recommendations: [],
      notes: [note],
    }
    result.baseline = comparison
    return comparison
  }
  if (ctx.update === 'all') return write(`baseline updated in ${file}`)
  const entry = baselineEntry(await readBaselines(file), key)
  if (!entry) {
    if (ctx.update === 'none') {
      throw new PerfBaselineError(
        'PERF_BASELINE_MISSING',
        `No baseline for "${key}" in ${file}, and missing baselines are not written under CI (as Vitest does with snapshots). Record it locally with \`vitest run -u\` (or VITEST_PERF_UPDATE=1) and commit ${file}.`,
      )
    }
    return write(`baseline written to ${file}: commit it`)
  }
  const differences = loadModelDifferences(entry.loadModel, model)
  if (differences.length) {
    throw new PerfBaselineError(
      'PERF_BASELINE_LOAD_MODEL',
      `The baseline of "${key}" was measured under another load model; results of different load models are not comparable:\n${differences.map((d) => `  - ${d}`).join('\n')}\nRestore the load config, or record a new baseline with \`vitest run -u\`.`,
    )
  }
  const envDiff = environmentDifferences(entry.environment, environment)
  const policy = options.environment ?? 'warn'
  if (envDiff.length && policy === 'refuse') {
    throw new PerfBaselineError(
      'PERF_BASELINE_ENVIRONMENT',
      `The baseline of "${key}" was measured on another environment:\n${envDiff.map((d) => `  - ${d}`).join('\n')}\nRecord a baseline on this machine (\`vitest run -u\`), or use toMatchBaseline({ environment: 'warn' | 'normalize' }).`,
    )
  }
  const reps = repetitionsOf(result)
  const notes = envDiff.length ? [`environment differs from the baseline's: ${envDiff.join('; ')}`] : []
  // Normalised by the machine probe of both sides when both have it, else by the calibration scores.
  const scaleNow = (): number => {
    if (policy !== 'normalize') return 1
    const drift = machineDrift(entry.repetitions, reps, options.alpha ?? 0.01)
    return drift ? drift.ratio : entry.environment.calibration / environment.calibration
  }
  const compare = () => {
    const latencyScale = scaleNow()
    const c = compareRepetitions(entry.repetitions, reps, result.config.executor, { ...options, latencyScale })
    if (policy === 'normalize')
      c.notes.push(
        c.drift
          ? `timings scaled by ${latencyScale.toFixed(3)} (machine probe, baseline → now)`
          : `timings scaled by ${latencyScale.toFixed(3)} (calibration ${entry.environment.calibration} → ${environment.calibration}; the baseline has no machine probe)`,
      )
    return c
  }
  let comparison = compare()
  const rerun = rerunOf(result)
  const budget = checked.data.maxRerunTime
  const started = performance.now()
  const rerunNotes: string[] = []
  for (let round = 0; comparison.verdict === 'INCONCLUSIVE' && rerun && round < (options.maxReruns ?? 2); round++) {
    const n = Math.max(reps.length, 3)
    // A round takes about n repetitions of the current length, probes included (~0.1 s each).
    const estimate = n * (median(reps.map((r) => r.durationMs)) + 100)
    const spent = performance.now() - started
    if (spent + estimate > budget) {
      rerunNotes.push(
        `no more reruns: ${n} more repetitions (~${Math.ceil(estimate / 1000)} s) would exceed maxRerunTime ${Math.round(budget / 1000)} s (${Math.round(spent / 1000)} s spent)`,
      )
      break
    }
    const more = await rerun(n)
    reps.push(...more.map(summarizeRepetition))
    result.repetitions = reps
    comparison = compare()
    rerunNotes.push(`inconclusive at first: measured ${more.length} more repetitions (round ${round + 1})`)
  }
  comparison.notes.push(...rerunNotes, ...notes)
  comparison.latencyHistogram = mergeEncoded(entry.repetitions.map((r) => r.histograms.latency))
  result.baseline = comparison
  const title = `against the baseline of "${key}" in ${file}`
  if (comparison.verdict === 'REGRESSION') throw new PerfRegressionError(formatComparison(comparison, title))
  if (comparison.verdict === 'INCONCLUSIVE' && options.failOnInconclusive)
    throw new PerfRegressionError(formatComparison(comparison, title))
  return comparison
}
