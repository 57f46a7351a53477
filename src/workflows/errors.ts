import { formatProblems, PerfError, type ConfigProblem } from '../core/errors.ts'

export type WorkflowErrorCode = 'PERF_WORKFLOW_INVALID' | 'PERF_WORKFLOW_STATE' | 'PERF_WORKFLOW_SETUP' | 'PERF_WORKFLOW_CHECK'

/** A generated workflow cannot be built, set up or run; the message says which and how to fix it. */
export class PerfWorkflowError extends PerfError {
  constructor(code: WorkflowErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}

/** Options of workflows.generate() that cannot be used, with every problem found (not only the first). */
export class PerfWorkflowConfigError extends PerfWorkflowError {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[]) {
    super('PERF_WORKFLOW_INVALID', formatProblems('workflow options', problems, 'nothing was connected'))
    this.problems = problems
  }
}

/** A run's data did not add up: the statements lost or duplicated rows under load. */
export function checkFailed(kind: string, iteration: number, what: string, got: number, expected: number): PerfWorkflowError {
  return new PerfWorkflowError(
    'PERF_WORKFLOW_CHECK',
    `${kind} iteration ${iteration}: ${what} is ${got}, expected ${expected}. The database lost or duplicated rows of this run (see the step before in wf.describe().statements).`,
  )
}

/** setup() could not create the schema or the reference data; keeps the server's error as the cause. */
export function setupFailed(name: string, store: string, cause: unknown): PerfWorkflowError {
  if (cause instanceof PerfWorkflowError) return cause
  const err = cause as { message?: string; code?: string }
  const detail = `${err?.message || String(cause)}${err?.code ? ` (${err.code})` : ''}`
  return new PerfWorkflowError(
    'PERF_WORKFLOW_SETUP',
    `Setting up ${name} on ${store} failed: ${detail}. Check that the server runs and that the user may create tables; the statements are in wf.describe().schema.`,
    { cause },
  )
}

/** run() or setup() called in a state that does not allow it. */
export function stateError(name: string, state: 'generated' | 'closed', action: string): PerfWorkflowError {
  const fix = state === 'closed' ? 'generate a new workflow after teardown()' : 'await wf.setup() before running it'
  return new PerfWorkflowError(
    'PERF_WORKFLOW_STATE',
    `Cannot ${action} workflow ${name}: it is ${state === 'closed' ? 'torn down' : 'not set up'}; ${fix}.`,
  )
}
