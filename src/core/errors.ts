import { redact } from './redact.ts'

/**
 * Every error vitest-perf throws on purpose. Each has a stable code (listed in
 * docs/troubleshooting.md) and a message that says what is wrong, where, and how to fix it.
 * A password in a URL of the message is shown as `***`: messages reach logs and reports.
 */
export class PerfError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(redact(message), options)
    this.name = new.target.name
    this.code = code
  }
}

/** One problem found while validating configuration, with its path (e.g. `stages[1].target`). */
export interface ConfigProblem {
  path: string
  message: string
}

/**
 * "Invalid <subject> (N problems); <consequence>:" and one line per problem with its path: the
 * shape of every configuration error, whichever part of vitest-perf found the problems.
 */
export function formatProblems(subject: string, problems: ConfigProblem[], consequence?: string): string {
  const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`)
  return `Invalid ${subject} (${problems.length} problem${problems.length === 1 ? '' : 's'})${consequence ? `; ${consequence}` : ''}:\n${lines.join('\n')}`
}

export class PerfConfigError extends PerfError {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[], subject = 'load config') {
    super('PERF_CONFIG_INVALID', formatProblems(subject, problems, subject === 'load config' ? 'nothing was started' : undefined))
    this.problems = problems
  }
}

export class PerfThresholdSyntaxError extends PerfError {
  readonly expression: string
  readonly position: number
  constructor(expression: string, position: number, expected: string) {
    super(
      'PERF_THRESHOLD_SYNTAX',
      `Invalid threshold "${expression}" at position ${position}: expected ${expected}.\n` +
        `Valid forms: p(N)<V, avg<V, med<V, min<V, max<V, count<V, rate<V, value<V ` +
        `with one of < <= > >= == !=, V a number with an optional unit (us, ms, s, m, h, %, /s), ` +
        `and an optional window "over 10s". Example: "p(95)<200ms".`,
    )
    this.expression = expression
    this.position = position
  }
}

export class PerfThresholdError extends PerfError {
  constructor(message: string) {
    super('PERF_THRESHOLD_FAILED', message)
  }
}

export class PerfHistogramError extends PerfError {
  constructor(message: string) {
    super('PERF_HISTOGRAM_INVALID', message)
  }
}

/** A database server could not be had or started; says which provider and how to fix it. */
export class PerfInfraError extends PerfError {
  constructor(
    code:
      | 'PERF_INFRA_UNAVAILABLE'
      | 'PERF_INFRA_START_FAILED'
      | 'PERF_INFRA_URL_INVALID'
      | 'PERF_INFRA_BINARY_MISSING'
      | 'PERF_INFRA_BROKER'
      | 'PERF_INFRA_RESET_UNSUPPORTED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
  }
}

export type FaultErrorCode =
  | 'PERF_FAULT_TOXIC_INVALID'
  | 'PERF_FAULT_TOXIC_EXISTS'
  | 'PERF_FAULT_TOXIC_UNKNOWN'
  | 'PERF_FAULT_PROXY_INVALID'
  | 'PERF_FAULT_PROXY_LISTEN'
  | 'PERF_FAULT_PROXY_CLOSED'
  | 'PERF_FAULT_UNSUPPORTED'
  | 'PERF_FAULT_NOT_RECOVERED'

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

/** A baseline cannot be used (missing under CI, corrupt, another load model) or written (a run that did not complete). */
export class PerfBaselineError extends PerfError {
  constructor(
    code:
      | 'PERF_BASELINE_MISSING'
      | 'PERF_BASELINE_CORRUPT'
      | 'PERF_BASELINE_LOAD_MODEL'
      | 'PERF_BASELINE_ENVIRONMENT'
      | 'PERF_BASELINE_CONTEXT'
      | 'PERF_BASELINE_PARTIAL',
    message: string,
  ) {
    super(code, message)
  }
}

/** A statistically significant regression against the committed baseline. */
export class PerfRegressionError extends PerfError {
  constructor(message: string) {
    super('PERF_REGRESSION', message)
  }
}

/**
 * The error a `{ code, message }` stands for, as the class that throws that code (a PerfError
 * when only the base class fits): how an error thrown in the main process reaches a worker.
 * Subclasses that carry more than a message (problems, positions) come back as their parent.
 */
export function rebuildError({ code, message }: { code: string; message: string }): PerfError {
  // The family is the word after PERF_: every PERF_INFRA_* code is a PerfInfraError, and so on.
  const family = code.split('_')[1]
  if (family === 'INFRA') return new PerfInfraError(code as 'PERF_INFRA_BROKER', message)
  if (family === 'FAULT') return new PerfFaultError(code as FaultErrorCode, message)
  if (family === 'BASELINE') return new PerfBaselineError(code as 'PERF_BASELINE_CORRUPT', message)
  if (code === 'PERF_THRESHOLD_FAILED') return new PerfThresholdError(message)
  if (code === 'PERF_HISTOGRAM_INVALID') return new PerfHistogramError(message)
  if (code === 'PERF_REGRESSION') return new PerfRegressionError(message)
  return new PerfError(code, message)
}
