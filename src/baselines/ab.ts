import type { LoadConfig } from '../core/load-config.ts'
import type { Workflow } from '../engine/context.ts'
import { emitResult } from '../run/sinks.ts'
import { runLoad } from '../run/run-load.ts'
import { type RunOptions } from '../run/options.ts'
import { PerfConfigError } from '../core/errors.ts'
import type { RunResult } from '../core/result.ts'
import { compareRepetitions, type CompareOptions } from './compare.ts'
import { type BaselineComparison } from '../core/result.ts'
import { mergeRepetitions, summarizeRepetition } from '../run/repetitions.ts'
import { abOptionsSchema } from './options-schema.ts'
import { parseOptions } from '../config/zod-problems.ts'

export interface ABOptions extends CompareOptions, Pick<RunOptions, 'signal'> {
  /** Repetitions of each workflow (default 5), run alternately: reference, candidate, reference… */
  repeat?: number
}

export interface ABResult {
  reference: RunResult
  candidate: RunResult
  /** The candidate judged against the reference, as toMatchBaseline() judges a run against its baseline. */
  comparison: BaselineComparison
}

/**
 * Interleaved A/B: the same load on two workflows in one process, alternating repetitions so
 * drift of the machine (other jobs, thermal state) falls on both alike. No baseline file needed.
 */
export async function runAB(
  config: LoadConfig,
  workflows: { reference: Workflow; candidate: Workflow },
  options: ABOptions = {},
): Promise<ABResult> {
  const checked = parseOptions(abOptionsSchema, options, { prefix: 'options' })
  if (!checked.ok) throw new PerfConfigError(checked.problems, 'runAB() options')
  const { repeat } = checked.data
  const reference: RunResult[] = []
  const candidate: RunResult[] = []
  for (let i = 0; i < repeat && !options.signal?.aborted; i++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const pair = i % 2 === 0 ? (['reference', 'candidate'] as const) : (['candidate', 'reference'] as const)
    for (const side of pair) {
      const r = await runLoad({ ...config, name: `${config.name ?? 'A/B'} (${side})` } as LoadConfig, workflows[side], {
        signal: options.signal,
        attach: false,
        // Interleaved: a slower machine slows both sides alike, no probe needed.
        probe: false,
      })
      ;(side === 'reference' ? reference : candidate).push(r)
    }
  }
  const ref = mergeRepetitions(reference)
  const cand = mergeRepetitions(candidate)
  const comparison = compareRepetitions(
    reference.map(summarizeRepetition),
    candidate.map(summarizeRepetition),
    ref.config.executor,
    options,
    true,
  )
  cand.baseline = comparison
  await emitResult(ref)
  await emitResult(cand)
  return { reference: ref, candidate: cand, comparison }
}
