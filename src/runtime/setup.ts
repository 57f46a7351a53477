// Vitest setup file added by the perf() plugin: runs in every test worker before the tests.
import { afterEach, beforeEach } from 'vitest'
import { initHistograms } from '../metrics/histogram.ts'
import { setResultSink } from '../engine/result-sink.ts'
import { attachResult, setCurrentTask } from './current-test.ts'

await initHistograms()
setResultSink((result) => attachResult(result))

beforeEach(({ task }) => {
  setCurrentTask(task as unknown as { meta: Record<string, unknown> })
})

afterEach(() => {
  setCurrentTask(undefined)
})
