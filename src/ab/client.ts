import { PerfError } from '../core/errors.ts'
import type { RunTurns, TurnTaker } from '../run/turns.ts'
import { AB_ENV, type Side, type TurnAnswer } from './wire.ts'

export interface AbSide {
  url: string
  token: string
  side: Side
  /** Longest wait for one turn, ms. */
  timeoutMs: number
}

/** This process's side of vitest-perf ab, from the environment the ab command set; undefined otherwise. */
export function abSideFromEnv(env: NodeJS.ProcessEnv = process.env): AbSide | undefined {
  const url = env[AB_ENV.url]
  const token = env[AB_ENV.token]
  const side = env[AB_ENV.side]
  if (!url || !token || (side !== 'base' && side !== 'head')) return undefined
  const timeout = Number(env[AB_ENV.timeout])
  return { url, token, side, timeoutMs: timeout > 0 ? timeout : 600_000 }
}

async function post(ab: AbSide, route: string, body: object): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(`${ab.url}/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ab.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, side: ab.side }),
    })
  } catch (cause) {
    throw new PerfError(
      'PERF_AB_COORDINATOR',
      `The ${ab.side} side cannot reach the vitest-perf ab coordinator at ${ab.url} (${route}): ${(cause as Error).message}. The ab command may have exited.`,
      { cause },
    )
  }
  const text = await res.text()
  if (!res.ok)
    throw new PerfError('PERF_AB_COORDINATOR', `The vitest-perf ab coordinator answered ${route} with ${res.status}: ${text.slice(0, 200)}`)
  return text ? JSON.parse(text) : undefined
}

/** The test a run belongs to, as the setup file knows it: undefined outside a test (no turns then). */
export type CurrentTest = () => string | undefined

/**
 * The turns of each run() of this side, keyed by its test and its index among that test's runs.
 * A wait longer than the side's timeout fails the run with PERF_AB_TIMEOUT, saying what it waited for.
 */
export function abTurnTaker(ab: AbSide, currentTest: CurrentTest): TurnTaker {
  const runsPerTest = new Map<string, number>()
  return () => {
    const test = currentTest()
    if (test === undefined) return undefined
    const run = runsPerTest.get(test) ?? 0
    runsPerTest.set(test, run + 1)
    const ref = { test, run }
    const turns: RunTurns = {
      async before(repetition) {
        const deadline = Date.now() + ab.timeoutMs
        for (;;) {
          const answer = (await post(ab, 'turn', { ...ref, repetition, waitMs: Math.max(0, deadline - Date.now()) })) as TurnAnswer
          if (answer.granted) return
          if (Date.now() >= deadline)
            throw new PerfError(
              'PERF_AB_TIMEOUT',
              `The ${ab.side} side waited ${Math.round(ab.timeoutMs / 1000)} s for its turn at repetition ${repetition} of "${test}" (run ${run}): still waiting for ${answer.waitingFor ?? 'the other side'}. The other side may hang or be much slower; raise --timeout if its repetitions are that long.`,
            )
        }
      },
      async after(repetition, done) {
        await post(ab, 'done', { ...ref, repetition, ...done })
      },
      async end() {
        await post(ab, 'end', ref)
      },
    }
    return turns
  }
}

/** Tells the coordinator which test this side is in, so a partner waiting for a test it left is let go. */
export function abTestEvents(ab: AbSide): { enter(test: string): Promise<void>; leave(test: string): Promise<void> } {
  return {
    enter: async (test) => void (await post(ab, 'enter', { test })),
    leave: async (test) => void (await post(ab, 'leave', { test })),
  }
}
