import { describe, expect, it } from 'vitest'
import { runLoad as runLoadAttached, type RunOptions } from '../../src/engine/run-load.ts'
import type { LoadConfig } from '../../src/config/schemas.ts'
import type { IterationContext, Workflow } from '../../src/engine/context.ts'

// Engine mechanics, not measurements: keep these runs out of the perf reporter's results.
const runLoad = (config: LoadConfig, workflow: Workflow, options: RunOptions = {}) => runLoadAttached(config, workflow, { attach: false, ...options })

// Every run here plans far more than it is allowed to do, or is cut short: none has more than
// ~1.5 s of load. Bounds on time are generous (shared 2-core machine).

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const forever = () => new Promise<never>(() => {})

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - start }
}

describe('external AbortSignal', () => {
  it('stops a closed model early: state aborted, reason signal, fewer iterations', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('enough'), 250)
    const { value: result, ms } = await timed(() =>
      runLoad({ executor: 'constant-vus', vus: 2, duration: '30s' }, () => sleep(10), { signal: controller.signal }),
    )
    expect(result.state).toBe('aborted')
    expect(result.abort).toEqual({ reason: 'signal', detail: 'enough' })
    expect(ms).toBeLessThan(2500)
    expect(result.durationMs).toBeLessThan(2500)
    // 30 s × 2 VUs / 10 ms would be ~6000.
    expect(result.iterations).toBeGreaterThan(0)
    expect(result.iterations).toBeLessThan(500)
    expect(result.interrupted).toBe(0)
  })

  it('stops an open model early', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 250)
    const result = await runLoad({ executor: 'constant-arrival-rate', rate: 100, duration: '30s' }, () => sleep(5), { signal: controller.signal })
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('signal')
    expect(result.durationMs).toBeLessThan(2500)
    expect(result.iterations).toBeGreaterThan(0)
    expect(result.iterations).toBeLessThan(250)
  })

  it('an already aborted signal starts nothing', async () => {
    let calls = 0
    const result = await runLoad({ executor: 'constant-vus', vus: 3, duration: '10s' }, () => void calls++, { signal: AbortSignal.abort('no') })
    expect(result.state).toBe('aborted')
    expect(result.abort).toEqual({ reason: 'signal', detail: 'no' })
    expect(calls).toBe(0)
    expect(result.iterations).toBe(0)
    expect(result.durationMs).toBeLessThan(1000)
  })

  it('a run that ends before the signal fires is completed', async () => {
    const controller = new AbortController()
    const result = await runLoad({ executor: 'shared-iterations', vus: 2, iterations: 10 }, () => sleep(1), { signal: controller.signal })
    controller.abort()
    expect(result.state).toBe('completed')
    expect(result.abort).toBeUndefined()
    expect(result.iterations).toBe(10)
  })
})

describe('gracefulStop', () => {
  it('interrupts a workflow that hangs forever once gracefulStop runs out', async () => {
    const signals: AbortSignal[] = []
    const { value: result, ms } = await timed(() =>
      runLoad({ executor: 'constant-vus', vus: 2, duration: '300ms', gracefulStop: '300ms' }, (ctx) => {
        signals.push(ctx.signal)
        return forever()
      }),
    )
    expect(result.interrupted).toBe(2)
    expect(result.iterations).toBe(0)
    expect(signals).toHaveLength(2)
    for (const s of signals) expect(s.aborted).toBe(true)
    // Returns after duration + gracefulStop (600 ms), not never.
    expect(ms).toBeGreaterThanOrEqual(550)
    expect(ms).toBeLessThan(3000)
    expect(result.state).toBe('completed')
  })

  it('iterations that finish within gracefulStop are recorded, later ones are not', async () => {
    let quickDone = 0
    let lateDone = 0
    const result = await runLoad({ executor: 'constant-vus', vus: 2, duration: '200ms', gracefulStop: '400ms' }, async (ctx: IterationContext) => {
      // VU 1 is quick; VU 2 waits for the hard stop, then finishes (too late to count).
      if (ctx.vu === 1) {
        await sleep(20)
        quickDone++
        return
      }
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
      lateDone++
      throw new Error('late')
    })
    expect(result.interrupted).toBe(1)
    expect(result.iterations).toBeGreaterThan(0)
    expect(result.iterations).toBe(quickDone)
    expect(result.failed).toBe(0)
    expect(result.errors.byKind).toEqual({})
    await sleep(10)
    expect(lateDone).toBe(1)
    expect(result.durationMs).toBeGreaterThanOrEqual(550)
  })

  it('after an abort signal, gracefulStop counts from the abort', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const { value: result, ms } = await timed(() =>
      runLoad({ executor: 'constant-vus', vus: 1, duration: '30s', gracefulStop: '200ms' }, () => forever(), { signal: controller.signal }),
    )
    expect(result.state).toBe('aborted')
    expect(result.interrupted).toBe(1)
    expect(ms).toBeGreaterThanOrEqual(250)
    expect(ms).toBeLessThan(2500)
  })

  it('gracefulStop 0 returns at the planned end', async () => {
    const { value: result, ms } = await timed(() =>
      runLoad({ executor: 'constant-arrival-rate', rate: 20, duration: '300ms', gracefulStop: 0 }, () => forever()),
    )
    expect(result.interrupted).toBeGreaterThan(0)
    expect(result.iterations).toBe(0)
    expect(ms).toBeLessThan(2000)
  })
})

describe('abortOnFail thresholds', () => {
  const failing = async () => {
    await sleep(5)
    throw new Error('down')
  }

  it('stop the run early with reason threshold and far fewer iterations than planned', async () => {
    const { value: result, ms } = await timed(() =>
      runLoad({ executor: 'constant-vus', vus: 2, duration: '30s', thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true }] } }, failing),
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('threshold')
    expect(result.abort?.detail).toContain('errors')
    expect(result.abort?.detail).toContain('rate<0.1')
    // Checked after the first whole second.
    expect(ms).toBeGreaterThanOrEqual(950)
    expect(ms).toBeLessThan(4000)
    expect(result.iterations).toBeGreaterThan(0)
    expect(result.iterations).toBeLessThan(2000) // 30 s would be ~10 000
    expect(result.failed).toBe(result.iterations)
    expect(result.thresholds).toEqual([expect.objectContaining({ metric: 'errors', ok: false, abortOnFail: true, actual: 1 })])
  })

  it('a windowed abortOnFail threshold stops the run when a window fails', async () => {
    const result = await runLoad(
      { executor: 'constant-vus', vus: 1, duration: '30s', thresholds: { errors: [{ threshold: 'rate<0.1 over 1s', abortOnFail: true }] } },
      failing,
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('threshold')
    expect(result.durationMs).toBeLessThan(4000)
    expect(result.thresholds[0]).toMatchObject({ ok: false, window: { ms: 1000 } })
  })

  it('a threshold without abortOnFail does not stop the run', async () => {
    const result = await runLoad({ executor: 'constant-vus', vus: 1, duration: '1200ms', thresholds: { errors: ['rate<0.1'] } }, failing)
    expect(result.state).toBe('completed')
    expect(result.durationMs).toBeGreaterThanOrEqual(1150)
    expect(result.thresholds[0]).toMatchObject({ ok: false })
  })

  describe('delayAbortEval', () => {
    const config = (delay?: string) =>
      ({
        executor: 'constant-vus',
        vus: 1,
        duration: '1400ms',
        thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true, ...(delay ? { delayAbortEval: delay } : {}) }] },
      }) as const

    it('postpones the abort: the failing run goes on to its end', async () => {
      const result = await runLoad(config('10s'), failing)
      expect(result.state).toBe('completed')
      expect(result.abort).toBeUndefined()
      expect(result.durationMs).toBeGreaterThanOrEqual(1350)
      // It still fails, it just did not stop the run.
      expect(result.thresholds[0]).toMatchObject({ ok: false, abortOnFail: true })
    })

    it('without it the same run is aborted after its first second', async () => {
      const result = await runLoad(config(), failing)
      expect(result.state).toBe('aborted')
      expect(result.abort?.reason).toBe('threshold')
      expect(result.abort?.detail).toMatch(/at 1s/)
      expect(result.durationMs).toBeLessThan(1350)
    })
  })

  // Closing the last partial second happens after the run: it must not turn it into an abort.
  it('a run shorter than a second that completes is not reported as aborted by a failing abortOnFail threshold', async () => {
    const result = await runLoad(
      { executor: 'constant-vus', vus: 1, duration: '500ms', gracefulStop: '100ms', thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true }] } },
      failing,
    )
    expect(result.durationMs).toBeGreaterThanOrEqual(450)
    expect(result.thresholds[0]).toMatchObject({ ok: false })
    expect(result.state).toBe('completed')
    expect(result.abort).toBeUndefined()
  })

  // Regression: the per-second check used to treat 'no samples yet' as a breach and abort at 1 s.
  it('an abortOnFail latency threshold does not abort before the first iteration finishes', async () => {
    const result = await runLoad(
      { executor: 'constant-vus', vus: 1, duration: '1s', thresholds: { latency: [{ threshold: 'p(95)<5s', abortOnFail: true }] } },
      () => sleep(1200),
    )
    expect(result.iterations).toBe(1)
    expect(result.thresholds[0]).toMatchObject({ ok: true })
    expect(result.state).toBe('completed')
  })
})

describe('overload policy of open models', () => {
  // 10 starts 100 ms apart, one VU, each iteration takes 130 ms.
  const config = (overload: 'drop' | 'queue') =>
    ({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 1, maxVUs: 1, overload }) as const

  it("'drop' skips the starts that find no free VU", async () => {
    const result = await runLoad(config('drop'), () => sleep(130))
    expect(result.vusAllocated).toBe(1)
    expect(result.dropped).toBeGreaterThanOrEqual(3)
    expect(result.iterations).toBeGreaterThanOrEqual(2)
    expect(result.iterations).toBeLessThanOrEqual(7)
    expect(result.iterations + result.dropped).toBe(10)
    expect(result.timeline.reduce((n, p) => n + p.dropped, 0)).toBe(result.dropped)
  })

  it("'queue' starts every planned iteration late and latency shows the wait", async () => {
    const result = await runLoad(config('queue'), () => sleep(130))
    expect(result.vusAllocated).toBe(1)
    expect(result.dropped).toBe(0)
    expect(result.iterations).toBe(10)
    // The last start was planned at 900 ms and began at ~1170 ms: latency ≫ service time.
    expect(result.serviceTime.max).toBeLessThan(result.latency.max - 100)
    expect(result.latency.max).toBeGreaterThan(300)
    expect(result.durationMs).toBeGreaterThanOrEqual(1250)
  })

  it("'queue' counts what is still queued at the hard stop as dropped", async () => {
    const result = await runLoad({ ...config('queue'), duration: '500ms', gracefulStop: '100ms' }, () => sleep(250))
    // 5 planned, ~600 ms to run them in: 2–3 finish, one is cut off, the rest are still queued.
    expect(result.iterations + result.dropped + result.interrupted).toBe(5)
    expect(result.dropped).toBeGreaterThanOrEqual(1)
    expect(result.interrupted).toBe(1)
  })
})
