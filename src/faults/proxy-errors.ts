import { formatProblems, PerfError, type ConfigProblem } from '../errors.ts'

export type FaultErrorCode =
  | 'PERF_FAULT_TOXIC_INVALID'
  | 'PERF_FAULT_TOXIC_EXISTS'
  | 'PERF_FAULT_TOXIC_UNKNOWN'
  | 'PERF_FAULT_PROXY_INVALID'
  | 'PERF_FAULT_PROXY_LISTEN'
  | 'PERF_FAULT_PROXY_CLOSED'
  | 'PERF_FAULT_UNSUPPORTED'

/** A fault could not be set up or changed; the message says which proxy and how to fix it. */
export class PerfFaultError extends PerfError {
  constructor(code: FaultErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}

/** Toxic or proxy options that cannot be used, with every problem found (not only the first). */
export class PerfFaultConfigError extends PerfFaultError {
  readonly problems: ConfigProblem[]
  constructor(code: 'PERF_FAULT_TOXIC_INVALID' | 'PERF_FAULT_PROXY_INVALID', subject: string, problems: ConfigProblem[]) {
    super(code, formatProblems(subject, problems, `nothing was ${code === 'PERF_FAULT_PROXY_INVALID' ? 'started' : 'changed'}`))
    this.problems = problems
  }
}
