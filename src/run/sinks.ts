import type { RunResult } from '../core/result.ts'
import type { ProgressEvent } from '../core/progress-event.ts'

type Sink = (result: RunResult) => void | Promise<void>
type ProgressSink = (event: ProgressEvent) => void
let sink: Sink | undefined
let progressSink: { send: ProgressSink; latency: boolean } | undefined

/**
 * Set by the Vitest setup file: where runLoad() hands its results so the reporter sees them and
 * the test is annotated. The sink never throws; awaiting it keeps the annotation inside the test.
 */
export function setResultSink(next: Sink | undefined): void {
  sink = next
}

export async function emitResult(result: RunResult): Promise<void> {
  await sink?.(result)
}

/**
 * Set by the Vitest setup file, to the main process: live progress and the reporter need the
 * counts, only the Prometheus exporter needs each second's latency histogram (encoding costs).
 */
export function setProgressSink(next: ProgressSink | undefined, options: { latency: boolean } = { latency: false }): void {
  progressSink = next && { send: next, latency: options.latency }
}

export function progressListener(): { send: ProgressSink; latency: boolean } | undefined {
  return progressSink
}

let projectRoot: string | undefined

/** The project root (Vitest's, set by the setup file): distributed runs send module paths relative to it. */
export function setProjectRoot(root: string | undefined): void {
  projectRoot = root
}

/** Vitest's root inside Vitest, process.cwd() outside. */
export function currentProjectRoot(): string {
  return projectRoot ?? process.cwd()
}
