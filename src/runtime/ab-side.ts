import path from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { abTestEvents, abTurnTaker, type AbSide } from '../ab/client.ts'
import { testId } from '../ab/wire.ts'
import { setTurnTaker } from '../run/turns.ts'

/**
 * This worker is one side of vitest-perf ab: every run() of a test takes turns with the other
 * revision, keyed by the test's file relative to `root` (where the ab command started this Vitest:
 * the project folder on both sides) and its full name.
 */
export function installAbSide(ab: AbSide, root: string): void {
  const events = abTestEvents(ab)
  let current: string | undefined
  setTurnTaker(abTurnTaker(ab, () => current))
  beforeEach(async ({ task }) => {
    current = testId(path.relative(root, task.file.filepath), task.fullTestName)
    await events.enter(current)
  })
  afterEach(async () => {
    const left = current
    current = undefined
    if (left !== undefined) await events.leave(left)
  })
}
