import { setTimeout as sleep } from 'node:timers/promises'
import { promValue } from './prometheus-text.ts'

// vitest-perf's own Prometheus exporter runs in the Vitest main process when the perf() plugin
// has `prometheus: { port }` (vitest.prometheus.config.ts in this folder turns it on and sets
// FILE_STORAGE_EXPORTER_PORT). The demo config leaves it off: then there is nothing to scrape.
const port = process.env.FILE_STORAGE_EXPORTER_PORT

export const exporterUrl = port ? `http://127.0.0.1:${port}/metrics` : undefined

/**
 * vitest_perf_iterations_total of one run as the exporter serves it, once it reached `expected`
 * (the workers feed the exporter once a second); undefined when no exporter runs.
 */
export async function exportedIterations(test: string, expected: number): Promise<number | undefined> {
  if (!exporterUrl) return undefined
  let seen = 0
  for (let i = 0; i < 30 && seen < expected; i++) {
    if (i > 0) await sleep(100)
    seen = promValue(await (await fetch(exporterUrl)).text(), 'vitest_perf_iterations_total', { test })
  }
  return seen
}
