// Vitest setup file added by the perf() plugin: runs in every test worker before the tests.
import { afterEach, beforeEach, inject } from 'vitest'
import { initHistograms } from '../metrics/histogram.ts'
import { setProgressSink, setProjectRoot, setResultSink } from '../run/sinks.ts'
import { brokerClient } from '../broker/client.ts'
import type { ProgressEvent } from '../core/progress-event.ts'
import { attachResult, currentAnnotationTarget, currentTestId, setCurrentTask } from './current-test.ts'
import { annotateRun, setAnnotationRenderer } from './annotate.ts'
import { abSideFromEnv } from '../ab/client.ts'
import { installAbSide } from './ab-side.ts'

await initHistograms()
setResultSink(async (result) => {
  attachResult(result)
  await annotateRun(result, currentAnnotationTarget())
})

const address = inject('vitest-perf:broker')
const options = inject('vitest-perf:options')
setProjectRoot(options?.root)
const broker = address ? brokerClient(address) : undefined
// Progress goes to the main process, fire and forget, once a second: live lines, Prometheus, and
// what the reporter writes of a run still going when Vitest is interrupted (so always sent).
if (broker) {
  const send = (event: ProgressEvent) => void broker.call('progress', { ...event, testId: currentTestId() }).catch(() => {})
  setProgressSink(send, { latency: Boolean(options?.prometheus) })
}
// A finished run's annotation is drawn in the main process, with the reports' chart code.
if (broker && options?.annotate !== false) setAnnotationRenderer((result, test) => broker.call('annotation', { result, test }))

beforeEach(({ task, annotate }) => {
  setCurrentTask(task as unknown as { meta: Record<string, unknown> }, { name: task.name, annotate })
})

afterEach(() => {
  setCurrentTask(undefined)
})

// Started by vitest-perf ab: runs take turns with the other revision's Vitest.
const ab = abSideFromEnv()
if (ab) installAbSide(ab, process.cwd())
