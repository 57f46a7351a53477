import type { RepetitionSummary } from '../core/result.ts'

/** What a side tells the coordinator after each repetition of a run. */
export interface RepetitionDone {
  executor: string
  name?: string
  summary: RepetitionSummary
}

/**
 * One run's turns in a paired comparison of two revisions (vitest-perf ab): each repetition waits
 * for its turn and says when it is done, so the two processes never measure at the same time.
 */
export interface RunTurns {
  before(repetition: number): Promise<void>
  after(repetition: number, done: RepetitionDone): Promise<void>
  /** No more repetitions of this run (measured, failed or aborted): nobody waits for it any more. */
  end(): Promise<void>
}

/** Called once per runLoad(); undefined when the run takes no turns (outside a test). */
export type TurnTaker = () => RunTurns | undefined

let taker: TurnTaker | undefined

/** Set by the Vitest setup file when vitest-perf ab started this process; run/ knows nothing of tests. */
export function setTurnTaker(next: TurnTaker | undefined): void {
  taker = next
}

export function turnsForRun(): RunTurns | undefined {
  return taker?.()
}
