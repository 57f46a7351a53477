// Vitest setup file added by the perf() plugin: runs in every test worker before the tests.
import { afterEach, beforeEach } from 'vitest'
import { initHistograms } from '../metrics/histogram.ts'
import { setCurrentTask } from './current-test.ts'

await initHistograms()

beforeEach(({ task }) => {
  setCurrentTask(task as unknown as { meta: Record<string, unknown> })
})

afterEach(() => {
  setCurrentTask(undefined)
})
