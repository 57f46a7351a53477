import { META_KEY, type RunResult } from '../metrics/result.ts'

interface MetaHolder {
  meta: Record<string, unknown>
}

let current: MetaHolder | undefined

/** Set by the setup file around every test, so runLoad() inside a plain test() is reported too. */
export function setCurrentTask(task: MetaHolder | undefined): void {
  current = task
}

export function attachResult(result: RunResult, task: MetaHolder | undefined = current): void {
  if (task === undefined) return
  const list = (task.meta[META_KEY] as RunResult[] | undefined) ?? []
  if (!list.includes(result)) list.push(result)
  task.meta[META_KEY] = list
}
