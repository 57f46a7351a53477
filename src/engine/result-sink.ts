import type { RunResult } from '../metrics/result.ts'

type Sink = (result: RunResult) => void
let sink: Sink | undefined

/** Set by the Vitest setup file: where runLoad() hands its results so the reporter sees them. */
export function setResultSink(next: Sink | undefined): void {
  sink = next
}

export function emitResult(result: RunResult): void {
  sink?.(result)
}
