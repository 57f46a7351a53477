import type { LoadConfig } from '../config/schemas.ts'
import type { Workflow } from '../engine/context.ts'
import { emitResult } from '../engine/result-sink.ts'
import { runLoad, type RunOptions } from '../engine/run-load.ts'
import { PerfConfigError } from '../errors.ts'
import type { RunResult } from '../metrics/result.ts'
import { compareRepetitions, type BaselineComparison, type CompareOptions } from './compare.ts'
import { mergeRepetitions, summarizeRepetition } from './repetitions.ts'

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
export async function runAB(config: LoadConfig, workflows: { reference: Workflow; candidate: Workflow }, options: ABOptions = {}): Promise<ABResult> {
  const repeat = options.repeat ?? 5
  if (!Number.isInteger(repeat) || repeat < 2 || repeat > 100) {
    throw new PerfConfigError([{ path: 'options.repeat', message: `must be a whole number from 2 to 100 for an A/B comparison, got ${JSON.stringify(options.repeat)}` }])
  }
  const reference: RunResult[] = []
  const candidate: RunResult[] = []
  for (let i = 0; i < repeat && !options.signal?.aborted; i++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const pair = i % 2 === 0 ? (['reference', 'candidate'] as const) : (['candidate', 'reference'] as const)
    for (const side of pair) {
      const r = await runLoad({ ...config, name: `${config.name ?? 'A/B'} (${side})` } as LoadConfig, workflows[side], { signal: options.signal, attach: false })
      ;(side === 'reference' ? reference : candidate).push(r)
    }
  }
  const ref = mergeRepetitions(reference)
  const cand = mergeRepetitions(candidate)
  const comparison = compareRepetitions(reference.map(summarizeRepetition), candidate.map(summarizeRepetition), ref.config.executor, options)
  cand.baseline = comparison
  emitResult(ref)
  emitResult(cand)
  return { reference: ref, candidate: cand, comparison }
}
