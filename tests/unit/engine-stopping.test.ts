import { describe, expect, it } from 'vitest'
import { runLoad as runLoadAttached } from '../../src/run/run-load.ts'
import { type RunOptions } from '../../src/run/options.ts'
import type { LoadConfig } from '../../src/core/load-config.ts'
import { sleep } from '../../src/core/clock.ts'
import type { IterationContext, Workflow } from '../../src/engine/context.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { runOnFakeClock } from '../helpers/fake-run.ts'

// Engine mechanics, not measurements: keep these runs out of the perf reporter's results.
const runLoad = (config: LoadConfig, workflow: Workflow, options: RunOptions = {}) =>
  runLoadAttached(config, workflow, { attach: false, ...options })

// On a fake clock every stop happens at an exact time. Runs plan far more than they are allowed
// to do, or are cut short; the last describe keeps one stop on the real clock.

const forever = () => new Promise<never>(() => {})

describe('external AbortSignal', () => {
  it('stops a closed model early: state aborted, reason signal, what is in flight finishes', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.setTimeout(() => controller.abort('enough'), 250)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 2, duration: '30s' },
      (ctx) => sleep(10, ctx.signal, clock),
      { signal: controller.signal },
    )
    expect(result.state).toBe('aborted')
    expect(result.abort).toEqual({ reason: 'signal', detail: 'enough' })
    // Starts at 0, 10 … 240 on both VUs; those at 240 end at 250 and count.
    expect(result.iterations).toBe(50)
    expect(result.interrupted).toBe(0)
    expect(result.durationMs).toBe(250)
  })

  it('stops an open model early', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.setTimeout(() => controller.abort(), 250)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 100, duration: '30s' },
      (ctx) => sleep(5, ctx.signal, clock),
      { signal: controller.signal },
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('signal')
    // Starts at 0, 10 … 240; the one planned at 250 is not started.
    expect(result.iterations).toBe(25)
    expect(result.dropped).toBe(0)
    expect(result.durationMs).toBe(250)
  })

  it('an already aborted signal starts nothing', async () => {
    const clock = new FakeClock()
    let calls = 0
    const result = await runOnFakeClock(clock, { executor: 'constant-vus', vus: 3, duration: '10s' }, () => void calls++, {
      signal: AbortSignal.abort('no'),
    })
    expect(result.state).toBe('aborted')
    expect(result.abort).toEqual({ reason: 'signal', detail: 'no' })
    expect(calls).toBe(0)
    expect(result.iterations).toBe(0)
    expect(result.durationMs).toBe(0)
  })

  it('a run that ends before the signal fires is completed', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const result = await runOnFakeClock(
      clock,
      { executor: 'shared-iterations', vus: 2, iterations: 10 },
      (ctx) => sleep(1, ctx.signal, clock),
      { signal: controller.signal },
    )
    controller.abort()
    expect(result.state).toBe('completed')
    expect(result.abort).toBeUndefined()
    expect(result.iterations).toBe(10)
    expect(result.durationMs).toBe(5)
  })
})

describe('gracefulStop', () => {
  it('interrupts a workflow that hangs forever at exactly duration + gracefulStop', async () => {
    const clock = new FakeClock()
    const signals: AbortSignal[] = []
    const result = await runOnFakeClock(clock, { executor: 'constant-vus', vus: 2, duration: '300ms', gracefulStop: '300ms' }, (ctx) => {
      signals.push(ctx.signal)
      return forever()
    })
    expect(result.interrupted).toBe(2)
    expect(result.iterations).toBe(0)
    expect(signals).toHaveLength(2)
    for (const s of signals) expect(s.aborted).toBe(true)
    expect(clock.now()).toBe(600)
    expect(result.durationMs).toBe(600)
    expect(result.state).toBe('completed')
  })

  it('iterations that finish within gracefulStop are recorded, later ones are not', async () => {
    const clock = new FakeClock()
    let quickDone = 0
    let lateDone = 0
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 2, duration: '200ms', gracefulStop: '400ms' },
      async (ctx: IterationContext) => {
        // VU 1 is quick; VU 2 waits for the hard stop, then finishes (too late to count).
        if (ctx.vu === 1) {
          await sleep(20, undefined, clock)
          quickDone++
          return
        }
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
        lateDone++
        throw new Error('late')
      },
    )
    expect(result.interrupted).toBe(1)
    expect(result.iterations).toBe(10)
    expect(quickDone).toBe(10)
    expect(result.failed).toBe(0)
    expect(result.errors.byKind).toEqual({})
    expect(lateDone).toBe(1)
    expect(result.durationMs).toBe(600)
  })

  it('after an abort signal, gracefulStop counts from the abort', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.setTimeout(() => controller.abort(), 100)
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 1, duration: '30s', gracefulStop: '200ms' },
      () => forever(),
      { signal: controller.signal },
    )
    expect(result.state).toBe('aborted')
    expect(result.interrupted).toBe(1)
    expect(result.durationMs).toBe(300)
  })

  it('gracefulStop 0 returns at the planned end', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(clock, { executor: 'constant-arrival-rate', rate: 20, duration: '300ms', gracefulStop: 0 }, () =>
      forever(),
    )
    // Starts at 0, 50 … 250, all still running.
    expect(result.interrupted).toBe(6)
    expect(result.iterations).toBe(0)
    expect(result.durationMs).toBe(300)
  })
})

describe('abortOnFail thresholds', () => {
  const failing = (clock: FakeClock) => async () => {
    await sleep(5, undefined, clock)
    throw new Error('down')
  }

  it('stop the run at exactly the end of the first second, with reason threshold', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 2, duration: '30s', thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true }] } },
      failing(clock),
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('threshold')
    expect(result.abort?.detail).toBe('errors: rate<0.1 failed at 1s, actual 100.00%')
    expect(result.durationMs).toBe(1000)
    // 2 VUs × 200 iterations of 5 ms in that second; the two ending at 1000 ms still count.
    expect(result.iterations).toBe(400)
    expect(result.failed).toBe(400)
    expect(result.thresholds).toEqual([expect.objectContaining({ metric: 'errors', ok: false, abortOnFail: true, actual: 1 })])
  })

  it('a windowed abortOnFail threshold stops the run when a window fails', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 1, duration: '30s', thresholds: { errors: [{ threshold: 'rate<0.1 over 1s', abortOnFail: true }] } },
      failing(clock),
    )
    expect(result.state).toBe('aborted')
    expect(result.abort?.reason).toBe('threshold')
    expect(result.abort?.detail).toMatch(/window ending at 1s/)
    expect(result.durationMs).toBe(1000)
    expect(result.iterations).toBe(200)
    expect(result.thresholds[0]).toMatchObject({ ok: false, window: { ms: 1000 } })
  })

  it('a threshold without abortOnFail does not stop the run', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 1, duration: '1200ms', thresholds: { errors: ['rate<0.1'] } },
      failing(clock),
    )
    expect(result.state).toBe('completed')
    expect(result.durationMs).toBe(1200)
    expect(result.iterations).toBe(240)
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
      const clock = new FakeClock()
      const result = await runOnFakeClock(clock, config('10s'), failing(clock))
      expect(result.state).toBe('completed')
      expect(result.abort).toBeUndefined()
      expect(result.durationMs).toBe(1400)
      // It still fails, it just did not stop the run.
      expect(result.thresholds[0]).toMatchObject({ ok: false, abortOnFail: true })
    })

    it('without it the same run is aborted after its first second', async () => {
      const clock = new FakeClock()
      const result = await runOnFakeClock(clock, config(), failing(clock))
      expect(result.state).toBe('aborted')
      expect(result.abort?.reason).toBe('threshold')
      expect(result.abort?.detail).toMatch(/at 1s/)
      expect(result.durationMs).toBe(1000)
    })

    it('a delay of 2s aborts at the end of the second second', async () => {
      const clock = new FakeClock()
      const result = await runOnFakeClock(clock, { ...config('2s'), duration: '30s' }, failing(clock))
      expect(result.state).toBe('aborted')
      expect(result.abort?.detail).toMatch(/at 2s/)
      expect(result.durationMs).toBe(2000)
    })
  })

  // Closing the last partial second happens after the run: it must not turn it into an abort.
  it('a run shorter than a second that completes is not reported as aborted by a failing abortOnFail threshold', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(
      clock,
      {
        executor: 'constant-vus',
        vus: 1,
        duration: '500ms',
        gracefulStop: '100ms',
        thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true }] },
      },
      failing(clock),
    )
    expect(result.durationMs).toBe(500)
    expect(result.iterations).toBe(100)
    expect(result.thresholds[0]).toMatchObject({ ok: false })
    expect(result.state).toBe('completed')
    expect(result.abort).toBeUndefined()
  })

  // Regression: the per-second check used to treat 'no samples yet' as a breach and abort at 1 s.
  it('an abortOnFail latency threshold does not abort before the first iteration finishes', async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-vus', vus: 1, duration: '1s', thresholds: { latency: [{ threshold: 'p(95)<5s', abortOnFail: true }] } },
      (ctx) => sleep(1200, ctx.signal, clock),
    )
    expect(result.iterations).toBe(1)
    expect(result.latency.max).toBe(1200)
    expect(result.durationMs).toBe(1200)
    expect(result.thresholds[0]).toMatchObject({ ok: true })
    expect(result.state).toBe('completed')
  })
})

describe('overload policy of open models', () => {
  // 10 starts 100 ms apart, one VU, each iteration takes 130 ms.
  const config = (overload: 'drop' | 'queue') =>
    ({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 1, maxVUs: 1, overload }) as const

  it("'drop' skips the starts that find no free VU", async () => {
    const clock = new FakeClock()
    const starts: number[] = []
    const result = await runOnFakeClock(clock, config('drop'), async (ctx) => {
      starts.push(clock.now())
      await sleep(130, ctx.signal, clock)
    })
    expect(result.vusAllocated).toBe(1)
    // Busy at 100, 300, 500, 700 and 900 ms.
    expect(starts).toEqual([0, 200, 400, 600, 800])
    expect(result.iterations).toBe(5)
    expect(result.dropped).toBe(5)
    expect(result.timeline.reduce((n, p) => n + p.dropped, 0)).toBe(5)
    // max is the exact value recorded; min is its histogram bucket (3 significant digits).
    expect(result.latency.max).toBe(130)
    expect(result.latency.min).toBeCloseTo(130, 1)
    expect(result.durationMs).toBe(930)
  })

  it("'queue' starts every planned iteration late and latency shows the wait", async () => {
    const clock = new FakeClock()
    const starts: number[] = []
    const result = await runOnFakeClock(clock, config('queue'), async (ctx) => {
      starts.push(clock.now())
      await sleep(130, ctx.signal, clock)
    })
    expect(result.vusAllocated).toBe(1)
    expect(result.dropped).toBe(0)
    expect(result.iterations).toBe(10)
    // Back to back: the k-th starts at 130·k, 30·k ms after its plan.
    expect(starts).toEqual(every(130, 1300))
    expect(result.serviceTime.max).toBe(130)
    expect(result.serviceTime.min).toBeCloseTo(130, 1)
    // The last start was planned at 900 ms, began at 1170 ms and ended at 1300 ms.
    expect(result.latency.max).toBe(400)
    expect(result.latency.min).toBeCloseTo(130, 1)
    expect(result.durationMs).toBe(1300)
  })

  it("'queue' counts what is still queued at the hard stop as dropped", async () => {
    const clock = new FakeClock()
    const result = await runOnFakeClock(clock, { ...config('queue'), duration: '500ms', gracefulStop: '100ms' }, (ctx) =>
      sleep(250, ctx.signal, clock),
    )
    // Planned 0 … 400; run at 0 and 250 (planned 100), the one planned at 200 is cut off at
    // 600 ms, those planned at 300 and 400 are still queued.
    expect(result.iterations).toBe(2)
    expect(result.interrupted).toBe(1)
    expect(result.dropped).toBe(2)
    expect(result.durationMs).toBe(600)
  })
})

describe('on the real clock', () => {
  const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

  it('an AbortSignal stops a run planned for 30 s, a hanging iteration is cut at gracefulStop', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('enough'), 100)
    const start = performance.now()
    const result = await runLoad(
      { executor: 'constant-vus', vus: 2, duration: '30s', gracefulStop: '100ms' },
      (ctx) => (ctx.vu === 1 ? realSleep(5) : forever()),
      // No machine probe before the run: the abort at 100 ms must fall inside the load itself.
      { signal: controller.signal, probe: false },
    )
    expect(result.state).toBe('aborted')
    expect(result.abort).toEqual({ reason: 'signal', detail: 'enough' })
    expect(result.interrupted).toBe(1)
    expect(result.iterations).toBeGreaterThan(0)
    // 100 ms + gracefulStop, far from 30 s on however busy a machine.
    expect(performance.now() - start).toBeLessThan(4000)
  })
})

function every(step: number, end: number): number[] {
  const out: number[] = []
  for (let t = 0; t < end; t += step) out.push(t)
  return out
}

describe('open models that cannot keep up', () => {
  it("'queue' holds at most maxQueue arrivals; later ones are dropped, counted and explained in the result", async () => {
    const clock = new FakeClock()
    // 100 starts 10 ms apart on one VU whose iterations take 1 s: one runs, 3 wait, 96 are dropped.
    const result = await runOnFakeClock(
      clock,
      { executor: 'constant-arrival-rate', rate: 100, duration: '1s', preAllocatedVUs: 1, maxVUs: 1, overload: 'queue', maxQueue: 3 },
      (ctx) => sleep(1000, ctx.signal, clock),
    )
    expect(result.overload).toEqual({ queueFull: 96, maxQueue: 3, note: expect.stringContaining('maxQueue') })
    expect(result.dropped).toBeGreaterThanOrEqual(96)
    expect(result.iterations + result.interrupted + result.dropped).toBe(100)
  })

  it('a rate of 1e9/s (unbounded) yields to the event loop: an abort at 50 ms stops it at once', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('enough'), 50)
    const t0 = performance.now()
    const result = await runLoad(
      { executor: 'constant-arrival-rate', rate: 1e9, duration: '1s', maxVUs: 10, gracefulStop: '100ms', unbounded: true },
      () => undefined,
      { signal: controller.signal, monitor: false, probe: false },
    )
    const elapsed = performance.now() - t0
    expect(result.state).toBe('aborted')
    expect(elapsed).toBeLessThan(1000)
    expect(result.dropped).toBeGreaterThan(0)
  })

  it('a scheduler still behind at the planned end stops and counts what it could not start as dropped', async () => {
    const t0 = performance.now()
    const result = await runLoad(
      { executor: 'constant-arrival-rate', rate: 2e7, duration: '200ms', maxVUs: 10, unbounded: true },
      () => undefined,
      { monitor: false },
    )
    expect(performance.now() - t0).toBeLessThan(3000)
    expect(result.state).toBe('completed')
    // Every planned arrival is accounted for: 2e7/s × 0.2 s.
    expect(result.iterations + result.dropped + result.interrupted).toBe(4_000_000)
  })
})
