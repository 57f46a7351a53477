// Vitest setup file added by the perf() plugin: runs in every test worker before the tests.
import { afterEach, beforeEach, inject } from 'vitest'
import { initHistograms } from '../metrics/histogram.ts'
import { setProgressSink, setResultSink, type ProgressEvent } from '../engine/result-sink.ts'
import { attachResult, setCurrentTask } from './current-test.ts'

await initHistograms()
setResultSink((result) => attachResult(result))

// Progress goes to the main process (live lines, Prometheus), fire and forget: once a second,
// and only when something there listens.
const broker = inject('vitest-perf:broker')
const options = inject('vitest-perf:options')
if (broker && (options?.progress || options?.prometheus)) {
  const send = (event: ProgressEvent) => {
    fetch(`${broker.url}/progress`, { method: 'POST', headers: { authorization: `Bearer ${broker.token}` }, body: JSON.stringify(event) }).then(
      (res) => res.body?.cancel(),
      () => {},
    )
  }
  setProgressSink(send, { latency: Boolean(options.prometheus) })
}

beforeEach(({ task }) => {
  setCurrentTask(task as unknown as { meta: Record<string, unknown> })
})

afterEach(() => {
  setCurrentTask(undefined)
})
