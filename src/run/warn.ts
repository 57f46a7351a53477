import type { ConfigProblem } from '../core/errors.ts'
import { redact } from '../core/redact.ts'

/** Prints configuration warnings (things that work but are almost surely not what was meant). */
export function warn(warnings: ConfigProblem[]): void {
  for (const w of warnings) console.warn(redact(`vitest-perf: ${w.path}: ${w.message}`))
}
