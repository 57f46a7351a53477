import { randomBytes } from 'node:crypto'
import type { HttpClient, IterationContext } from 'vitest-perf'

/** Keys each cell writes and reads. */
export const KEYS = 1000

/**
 * The scale test's operation mix: PUT and GET in turn, a 50/50 mix of writes and reads of
 * `payload`-byte values (random bytes: they do not compress away). The reads fetch the key this
 * VU wrote just before.
 */
export function mixedPutGet(api: HttpClient, payload: number) {
  const body = randomBytes(payload)
  const put = api.template({ method: 'PUT', path: '/data/{key}', tag: 'PUT /data/:key', body, check: { status: 201 } })
  const get = api.template({ method: 'GET', path: '/data/{key}', tag: 'GET /data/:key', check: { status: 200 } })
  return async (ctx: IterationContext): Promise<void> => {
    const key = `k${(ctx.vu * 7 + Math.floor(ctx.vuIteration / 2)) % KEYS}`
    if (ctx.vuIteration % 2 === 0) await put(ctx, { key })
    else await get(ctx, { key })
  }
}
