import { META_KEY, type RunResult } from '../core/result.ts'
import type { AnnotationTarget } from './annotate.ts'

interface MetaHolder {
  meta: Record<string, unknown>
  id?: string
}

let current: MetaHolder | undefined
let currentTarget: AnnotationTarget | undefined

/** Set by the setup file around every test, so runLoad() inside a plain test() is reported and annotated too. */
export function setCurrentTask(task: MetaHolder | undefined, target?: AnnotationTarget): void {
  current = task
  currentTarget = task ? target : undefined
}

/** The test the setup file last saw start: where a bare runLoad()'s annotation goes. */
export function currentAnnotationTarget(): AnnotationTarget | undefined {
  return currentTarget
}

/** The Vitest task id of the running test, for the progress events of its runs. */
export function currentTestId(): string | undefined {
  return current?.id
}

export function attachResult(result: RunResult, task: MetaHolder | undefined = current): void {
  if (task === undefined) return
  const list = (task.meta[META_KEY] as RunResult[] | undefined) ?? []
  if (!list.includes(result)) list.push(result)
  task.meta[META_KEY] = list
}
