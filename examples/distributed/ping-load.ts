import { http, type IterationContext } from 'vitest-perf/load'

/**
 * The load module every driver imports: its default export gets the run's `data` and returns
 * the iteration. Drivers are other processes, so the workflow cannot be a closure in the test.
 */
export default function pingLoad(data: { url: string }) {
  const api = http.client(data.url, { connections: 16, timeout: '5s' })
  return async (ctx: IterationContext) => {
    await api.get('/ping', ctx, { check: { status: 200, body: 'pong' } })
  }
}
