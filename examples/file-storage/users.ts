import { setTimeout as sleep } from 'node:timers/promises'
import { durationScale, type IterationContext, type RequestTemplate } from 'vitest-perf'

// What one simulated user does, Locust-style: a task picked by weight, then a think time.
export const FILES = 200
export const FILE_SIZE = 16 * 1024
export const UPLOAD_SHARE = 0.1
export const content = Buffer.alloc(FILE_SIZE, 'f')
export const fileName = (i: number): string => `file-${String(i).padStart(3, '0')}.bin`

// The stage lengths shrink with VITEST_PERF_DURATION_SCALE; the think time shrinks with them, so a
// shortened run sends about as many requests as the full one, only faster.
const timeScale = durationScale()
/** Locust's wait_time = between(1, 3). */
export const thinkMs = (u: number): number => (1000 + 2000 * u) * timeScale

/** A number in [0, 1) from an integer: deterministic per iteration, so runs are repeatable. */
export function uniform(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// Popularity follows Zipf's law (file i is read in proportion to 1 / (i + 1)): a few hot files,
// a long tail that the cache cannot hold.
const cdf: number[] = []
for (let i = 0, sum = 0, total = [...Array(FILES).keys()].reduce((s, k) => s + 1 / (k + 1), 0); i < FILES; i++)
  cdf.push((sum += 1 / (i + 1) / total))

/** The file a reader asks for, given u in [0, 1). */
export function popularFile(u: number): number {
  let lo = 0
  let hi = FILES - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid] < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface UserRequests {
  download: RequestTemplate
  upload: RequestTemplate
}

/** One task and the wait after it. Downloads record `cache_hit` from the X-Cache header. */
export function user({ download, upload }: UserRequests) {
  return async (ctx: IterationContext): Promise<void> => {
    const n = ctx.iteration * 3
    if (uniform(n) < UPLOAD_SHARE) {
      await upload(ctx, { name: fileName(Math.floor(uniform(n + 1) * FILES)) })
    } else {
      const res = await download(ctx, { name: fileName(popularFile(uniform(n + 1))) })
      ctx.rate('cache_hit', res.headers['x-cache'] === 'hit')
    }
    await sleep(thinkMs(uniform(n + 2)), undefined, { signal: ctx.signal })
  }
}
