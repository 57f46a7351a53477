// Vitest setup file added by the perf() plugin: runs in every test worker before the tests.
import { afterEach, beforeEach } from 'vitest'
import { initHistograms } from '../metrics/histogram.ts'
import { inject } from 'vitest'
import { setProgressSink, setResultSink } from '../engine/result-sink.ts'
import { attachResult, setCurrentTask } from './current-test.ts'

await initHistograms()
setResultSink((result) => attachResult(result))

// Progress goes to the main process (live lines, Prometheus), fire and forget: once a second.
const broker = inject('vitest-perf:broker')
if (broker) {
  setProgressSink((event) => {
    fetch(`${broker.url}/progress`, { method: 'POST', headers: { authorization: `Bearer ${broker.token}` }, body: JSON.stringify(event) }).then(
      (res) => res.body?.cancel(),
      () => {},
    )
  })
}

beforeEach(({ task }) => {
  setCurrentTask(task as unknown as { meta: Record<string, unknown> })
})

afterEach(() => {
  setCurrentTask(undefined)
})
