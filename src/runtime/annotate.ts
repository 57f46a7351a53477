import type { RunResult } from '../core/result.ts'

/** The annotation type Vitest shows beside the message (and GitHub Actions as the notice's title). */
export const ANNOTATION_TYPE = 'vitest-perf'

/** A test to annotate: its name and its context's `annotate` (Vitest ≥ 3.2; anything else skips). */
export interface AnnotationTarget {
  name: string
  annotate?: unknown
}

type Annotate = (message: string, type: string, attachment?: { body: string; contentType: string }) => Promise<unknown>
type Render = (result: RunResult, test: string) => Promise<{ message: string; svg?: string }>

let render: Render | undefined

/** Set by the setup file when perf({ annotate }) is on: the main process draws, so workers stay free of report code. */
export function setAnnotationRenderer(next: Render | undefined): void {
  render = next
}

const noted = new Set<string>()

/** Once per worker and only with DEBUG=vitest-perf: an annotation that could not be made never fails a test. */
function debugOnce(key: string, message: string): void {
  if (noted.has(key)) return
  noted.add(key)
  if (/vitest-perf/.test(process.env.DEBUG ?? '')) console.debug(`vitest-perf: ${message}`)
}

/**
 * Annotates the test with the run's summary line and an SVG of its latency and throughput. Called
 * after the run, so it costs the load nothing; it resolves when Vitest has the annotation.
 */
export async function annotateRun(result: RunResult, target: AnnotationTarget | undefined): Promise<void> {
  if (!render || !target) return
  if (typeof target.annotate !== 'function') {
    debugOnce('missing', 'this Vitest has no context.annotate() (Vitest 3.2 added it): runs are not annotated on their tests')
    return
  }
  try {
    const { message, svg } = await render(result, target.name)
    const annotate = target.annotate as Annotate
    const attachment = svg ? { body: Buffer.from(svg, 'utf8').toString('base64'), contentType: 'image/svg+xml' } : undefined
    await annotate(message, ANNOTATION_TYPE, attachment)
  } catch (e) {
    debugOnce(
      'failed',
      `a run could not be annotated on "${target.name}" (${e instanceof Error ? e.message : String(e)}); later failures are not shown`,
    )
  }
}
