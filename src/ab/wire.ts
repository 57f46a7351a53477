// The plain data between `vitest-perf ab` (the coordinator) and the two Vitest processes it runs.
import type { RepetitionDone } from '../run/turns.ts'

export type Side = 'base' | 'head'

/** What each side's Vitest finds in its environment. */
export const AB_ENV = {
  url: 'VITEST_PERF_AB_URL',
  token: 'VITEST_PERF_AB_TOKEN',
  side: 'VITEST_PERF_AB_SIDE',
  /** Longest wait for one turn, in ms. */
  timeout: 'VITEST_PERF_AB_TIMEOUT',
} as const

/** A test on both sides: its file relative to the project root, then its full name. */
export function testId(relativeFile: string, fullName: string): string {
  return `${relativeFile.split('\\').join('/')} > ${fullName}`
}

/** A run: its test and its index among the test's runs (a test may call run() several times). */
export interface RunRef {
  side: Side
  test: string
  run: number
}

export interface TurnRequest extends RunRef {
  repetition: number
  /** How long the coordinator may hold the request before answering "not yet", ms. */
  waitMs?: number
}

export interface TurnAnswer {
  granted: boolean
  /** Why not yet, for the timeout message. */
  waitingFor?: string
}

export interface DoneRequest extends TurnRequest, RepetitionDone {}

export interface TestRequest {
  side: Side
  test: string
}

export const otherSide = (side: Side): Side => (side === 'base' ? 'head' : 'base')
