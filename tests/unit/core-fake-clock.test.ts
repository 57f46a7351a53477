import { describe, expect, it } from 'vitest'
import { sleep, yieldToEventLoop } from '../../src/core/clock.ts'
import { FakeClock } from '../helpers/fake-clock.ts'

// The test helper the engine tests run on: it must be exact itself.

describe('FakeClock', () => {
  it('starts at 0 and runs callbacks in order of due time, then creation', async () => {
    const clock = new FakeClock()
    const seen: string[] = []
    const mark = (name: string) => () => seen.push(`${name}@${clock.now()}`)
    clock.setTimeout(mark('b'), 20)
    clock.setTimeout(mark('a'), 10)
    clock.setTimeout(mark('c'), 20)
    clock.setImmediate(mark('i'))
    clock.setTimeout(mark('zero'), 0)
    expect(clock.now()).toBe(0)
    await clock.run(sleep(30, undefined, clock))
    expect(seen).toEqual(['i@0', 'zero@0', 'a@10', 'b@20', 'c@20'])
    expect(clock.now()).toBe(30)
  })

  it('runs immediates, also those queued by promise jobs, before time advances', async () => {
    const clock = new FakeClock()
    const seen: string[] = []
    clock.setTimeout(() => seen.push(`timer@${clock.now()}`), 1)
    const spin = async () => {
      for (let i = 0; i < 3; i++) {
        await yieldToEventLoop(clock)
        seen.push(`yield${i}@${clock.now()}`)
      }
    }
    await clock.run(spin())
    expect(seen).toEqual(['yield0@0', 'yield1@0', 'yield2@0'])
    await clock.run(sleep(1, undefined, clock))
    expect(seen.at(-1)).toBe('timer@1')
  })

  it('repeats an interval every period until it is cleared', async () => {
    const clock = new FakeClock()
    const at: number[] = []
    const interval = clock.setInterval(() => {
      at.push(clock.now())
      if (at.length === 4) clock.clearInterval(interval)
    }, 25)
    await clock.run(sleep(500, undefined, clock))
    expect(at).toEqual([25, 50, 75, 100])
    expect(clock.pending).toBe(0)
  })

  it('clear* cancels timeouts, immediates and intervals; clearing twice or undefined is harmless', async () => {
    const clock = new FakeClock()
    let ran = 0
    const timeout = clock.setTimeout(() => ran++, 10)
    const immediate = clock.setImmediate(() => ran++)
    const interval = clock.setInterval(() => ran++, 10)
    clock.clearTimeout(timeout)
    clock.clearImmediate(immediate)
    clock.clearInterval(interval)
    clock.clearTimeout(timeout)
    clock.clearTimeout(undefined)
    expect(clock.pending).toBe(0)
    await clock.run(sleep(100, undefined, clock))
    expect(ran).toBe(0)
  })

  it('sleep on the clock ends early when its signal aborts', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.setTimeout(() => controller.abort(), 40)
    await clock.run(sleep(1000, controller.signal, clock))
    expect(clock.now()).toBe(40)
    // The aborted sleep took its timer with it.
    expect(clock.pending).toBe(0)
  })

  it('run returns what the promise resolves with and throws what it rejects with', async () => {
    const clock = new FakeClock()
    const value = new Promise<number>((resolve) => clock.setTimeout(() => resolve(42), 5))
    expect(await clock.run(value)).toBe(42)
    const failing = new Promise<never>((_, reject) => clock.setTimeout(() => reject(new Error('boom')), 5))
    await expect(clock.run(failing)).rejects.toThrow('boom')
    expect(clock.now()).toBe(10)
  })
})

describe('FakeClock.run guards', () => {
  it('fails clearly when a loop spins on immediates without letting time pass', async () => {
    const clock = new FakeClock()
    const until = async (t: number) => {
      while (clock.now() < t) await yieldToEventLoop(clock)
    }
    await expect(clock.run(until(0.5), { maxSteps: 1000 })).rejects.toThrow(
      /1000 callbacks ran \(virtual time 0 ms\).*without letting time pass/,
    )
  })

  it('immediateDelayMs lets such a spin end', async () => {
    const clock = new FakeClock({ immediateDelayMs: 0.001 })
    const until = async (t: number) => {
      while (clock.now() < t) await yieldToEventLoop(clock)
    }
    await clock.run(until(0.5))
    expect(clock.now()).toBeCloseTo(0.5, 9)
  })

  it('fails clearly when the promise waits on nothing the clock knows', async () => {
    const clock = new FakeClock()
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/nothing is scheduled at 0 ms/)
  })

  it('fails clearly before virtual time passes maxMs', async () => {
    const clock = new FakeClock()
    await expect(clock.run(sleep(5000, undefined, clock), { maxMs: 1000 })).rejects.toThrow(/maxMs \(1000 ms; next callback at 5000 ms\)/)
    expect(clock.now()).toBe(0)
  })
})
