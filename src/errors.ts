/**
 * Every error vitest-perf throws on purpose. Each has a stable code (listed in
 * docs/troubleshooting.md) and a message that says what is wrong, where, and how to fix it.
 */
export class PerfError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
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
  constructor(code: 'PERF_INFRA_UNAVAILABLE' | 'PERF_INFRA_START_FAILED' | 'PERF_INFRA_URL_INVALID' | 'PERF_INFRA_BINARY_MISSING' | 'PERF_INFRA_BROKER' | 'PERF_INFRA_RESET_UNSUPPORTED', message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}

/** A baseline cannot be used: missing under CI, corrupt, or measured under another load model. */
export class PerfBaselineError extends PerfError {
  constructor(code: 'PERF_BASELINE_MISSING' | 'PERF_BASELINE_CORRUPT' | 'PERF_BASELINE_LOAD_MODEL' | 'PERF_BASELINE_ENVIRONMENT' | 'PERF_BASELINE_CONTEXT', message: string) {
    super(code, message)
  }
}

/** A statistically significant regression against the committed baseline. */
export class PerfRegressionError extends PerfError {
  constructor(message: string) {
    super('PERF_REGRESSION', message)
  }
}
